"""What the demo portfolio is made of: the 25 CMOs of a block with their stories, the
people who manage them, and the vocabulary from which sites, audits, products and
contracts are drawn."""

from dataclasses import dataclass

from cmo_portal import roles
from suppliers.models import Cmo, SupplyStage

CMOS_PER_BLOCK = 25
PRODUCTS_PER_BLOCK = 60

S = Cmo.Status
Obj = Cmo.SourcingObjective
Step = SupplyStage.Step


@dataclass(frozen=True)
class CmoSpec:
    stem: str
    legal_form: str
    country: str
    facilities: tuple[str, ...]
    status: str
    objective: str
    spend_millions: float
    # Situations placed on purpose for the portfolio views to find; see `planning.plan_block`.
    story: tuple[str, ...]
    rationale: str


# The 25 CMOs of a block. Fictitious companies; any likeness to a real one is accidental.
# fmt: off
CMO_SPECS = (
    CmoSpec("Rheinland Pharma Services", "GmbH", "Germany", ("osd", "packaging"), S.APPROVED,
            Obj.COST, 14, ("qa_lapsed", "rm_login"),
            "Mature tablet lines convert our legacy oral solids at a lower cost than our plant."),
    CmoSpec("Bavaria BioManufacturing", "GmbH", "Germany", ("biologics", "sterile"), S.APPROVED,
            Obj.CAPABILITY, 38, (),
            "Brings the cell-culture know-how we lack in-house for our antibody pipeline."),
    CmoSpec("Helvetia Sterile Solutions", "AG", "Switzerland", ("sterile",), S.APPROVED,
            Obj.RISK, 22, ("rm_login",),
            "A second sterile filler, so that no life-sustaining injectable depends on one line."),
    CmoSpec("Alpine Fine Chemicals", "AG", "Switzerland", ("hpapi",), S.APPROVED,
            Obj.CAPABILITY, 17, (),
            "OEB 5 containment for highly potent oncology APIs our plants cannot handle safely."),
    CmoSpec("Shannon Biologics", "Ltd", "Ireland", ("biologics",), S.APPROVED,
            Obj.CAPACITY, 31, ("rm_login",),
            "Frees our bioreactors for launches by taking over the supply of mature antibodies."),
    CmoSpec("Cork Pharma Packaging", "Ltd", "Ireland", ("packaging", "distribution"), S.APPROVED,
            Obj.COST, 5, ("msa_expiring",),
            "Serialised packaging for EU markets at a lower cost than our own packaging hall."),
    CmoSpec("Lombardia Chimica Farmaceutica", "S.p.A.", "Italy", ("api",), S.APPROVED,
            Obj.COST, 9, (),
            "Competitive conversion cost for multi-step small-molecule intermediates and APIs."),
    CmoSpec("Veneto Parenterals", "S.r.l.", "Italy", ("sterile",), S.CONDITIONAL,
            Obj.CAPACITY, 11, ("warning_letter", "rm_login"),
            "Extra vial-filling capacity for the launch peak while our own line is expanded."),
    CmoSpec("Deccan Life Sciences", "Pvt. Ltd", "India", ("api",), S.APPROVED,
            Obj.COST, 7, ("open_483", "supply_expiring"),
            "Low-cost, FDA-inspected API supply for the high-volume generics of our portfolio."),
    CmoSpec("Hyderabad Oral Solids", "Ltd", "India", ("osd", "packaging"), S.CONDITIONAL,
            Obj.COST, 4, ("no_relationship_manager",),
            "The lowest cost per thousand tablets for our emerging-market packs."),
    CmoSpec("Coromandel Chemicals", "Ltd", "India", ("api",), S.DISQUALIFIED,
            Obj.COST, 0.6, ("warning_letter",),
            "Chosen as a low-cost second API source; disqualified after data-integrity failures."),
    CmoSpec("Jiangsu Kangyuan Pharmaceutical", "Co., Ltd", "China", ("api",), S.APPROVED,
            Obj.COST, 6, ("open_483",),
            "Cost-competitive starting materials and APIs with a US drug master file on record."),
    CmoSpec("Zhejiang Huaxin Biotech", "Co., Ltd", "China", ("hpapi",), S.QUALIFYING,
            Obj.COST, 0.4, ("no_strategic_sourcing_manager",),
            "Being qualified as a lower-cost second source for a highly potent API."),
    CmoSpec("Shanghai Mingde Analytical Services", "Co., Ltd", "China", ("testing",), S.APPROVED,
            Obj.COST, 1.2, (),
            "Release and stability testing of China-market batches at local cost."),
    CmoSpec("Carolina Contract Manufacturing", "Inc.", "United States", ("osd", "packaging"),
            S.APPROVED, Obj.CAPACITY, 19, ("rm_login",),
            "Takes the US tablet volume so that our own plant can run the launch products."),
    CmoSpec("Great Lakes Sterile Fill", "LLC", "United States", ("sterile",), S.APPROVED,
            Obj.RISK, 16, ("no_quality_contact",),
            "US fill/finish protecting the US supply of critical injectables from import risk."),
    CmoSpec("Pacific Northwest Biologics", "Inc.", "United States", ("biologics",), S.APPROVED,
            Obj.CAPABILITY, 24, (),
            "Continuous bioprocessing capability for our next-generation biosimilar programme."),
    CmoSpec("Garden State Analytical Labs", "Inc.", "United States", ("testing",), S.APPROVED,
            Obj.CAPACITY, 2.5, (),
            "Absorbs the release-testing peaks our own QC laboratories cannot cover."),
    CmoSpec("Songdo BioLogics", "Co., Ltd", "South Korea", ("biologics", "sterile"), S.APPROVED,
            Obj.CAPACITY, 42, ("supply_expiring",),
            "Large-scale antibody drug substance capacity for the launch of our lead biologic."),
    CmoSpec("Incheon Pharma Solutions", "Co., Ltd", "South Korea", ("sterile",), S.QUALIFYING,
            Obj.RISK, 0.8, (),
            "Qualified as a backup prefilled-syringe filler to remove a single point of failure."),
    CmoSpec("Kansai Fine Chemical", "Co., Ltd", "Japan", ("hpapi",), S.APPROVED,
            Obj.CAPABILITY, 12, (),
            "Chiral chemistry and cytotoxic payload synthesis for our antibody-drug conjugates."),
    CmoSpec("Tokai Parenteral", "Co., Ltd", "Japan", ("sterile",), S.CONDITIONAL,
            Obj.RISK, 8, ("open_483", "no_technical_expert"),
            "Local fill/finish that keeps Japanese supply within PMDA-approved sites."),
    CmoSpec("Thames Valley Clinical Supplies", "Ltd", "United Kingdom",
            ("packaging", "testing", "distribution"), S.APPROVED, Obj.CAPACITY, 6, (),
            "Clinical packaging and distribution, so that our teams can focus on commercial."),
    CmoSpec("Pennine Analytical", "Ltd", "United Kingdom", ("testing",), S.APPROVED,
            Obj.RISK, 1.8, ("qa_expiring",),
            "Independent UK batch testing and QP release that keep GB supply running."),
    CmoSpec("Rotterdam Pharma Logistics", "B.V.", "Netherlands", ("packaging", "distribution"),
            S.PROSPECT, Obj.COST, 0, (),
            "Evaluated as a lower-cost EU cold-chain hub to replace ad-hoc courier shipments."),
)

# Facility kind: its capabilities (names from the data migration), the steps it performs,
# and how its sites are named.
FACILITIES = {
    "api": (("API synthesis",), Step.API_SYNTHESIS, "API plant"),
    "hpapi": (("API synthesis", "Highly potent API"), Step.API_SYNTHESIS, "HPAPI plant"),
    "biologics": (("Biologics drug substance",), Step.DRUG_SUBSTANCE, "biologics plant"),
    "sterile": (("Sterile fill/finish", "Lyophilisation"), Step.FILL_FINISH, "sterile facility"),
    "osd": (("Oral solid dose",), Step.FORMULATION, "oral solids plant"),
    "packaging": (("Packaging",), Step.PACKAGING, "packaging centre"),
    "testing": (("Analytical testing",), Step.TESTING, "QC laboratory"),
    "distribution": (("Cold chain distribution",), Step.DISTRIBUTION, "distribution centre"),
}
CITIES = {
    "Germany": ["Ludwigshafen", "Biberach", "Marburg", "Leverkusen", "Penzberg"],
    "Switzerland": ["Visp", "Basel", "Stein", "Monthey"],
    "Ireland": ["Cork", "Limerick", "Grange Castle", "Shannon"],
    "Italy": ["Milan", "Verona", "Latina", "Siena"],
    "India": ["Hyderabad", "Visakhapatnam", "Ahmedabad", "Bengaluru"],
    "China": ["Suzhou", "Taizhou", "Shanghai", "Wuxi"],
    "United States": ["Research Triangle Park", "Indianapolis", "Rockville", "New Brunswick"],
    "South Korea": ["Incheon", "Osong", "Pyeongtaek"],
    "Japan": ["Osaka", "Shizuoka", "Toyama"],
    "United Kingdom": ["Oxford", "Macclesfield", "Edinburgh", "Slough"],
    "Netherlands": ["Rotterdam", "Leiden", "Oss"],
}
CURRENCIES = {"Switzerland": "CHF", "United States": "USD", "United Kingdom": "GBP",
              "Japan": "JPY", "China": "CNY", "India": "INR"}
AGENCIES = {"United States": "fda", "India": "fda", "China": "fda", "Japan": "pmda",
            "United Kingdom": "mhra", "South Korea": "other"}

# The people of a block, by the CMO role they fill: (first name, last name).
PEOPLE = {
    "relationship_manager": [("Anna", "Keller"), ("Tom", "Brennan"), ("Laura", "Rossi"),
                             ("Daniel", "Okafor"), ("Priya", "Nair")],
    "quality_contact": [("Claire", "Dubois"), ("Marco", "Bianchi"), ("Mei", "Lin"),
                        ("Jonas", "Weber")],
    "technical_expert": [("Hiroshi", "Sato"), ("Sofia", "Lindqvist"), ("Rahul", "Mehta"),
                         ("Emily", "Carter")],
    "strategic_sourcing_manager": [("Jiwoo", "Park"), ("Lukas", "Hofmann"), ("Grace", "Mwangi")],
}
# The roles module has no quality or technical role; these colleagues record audits and
# CAPAs at every CMO, which the supply chain manager role allows (a relationship manager
# may change only the CMOs assigned to them).
PERSON_GROUP = {
    "relationship_manager": roles.RELATIONSHIP_MANAGER,
    "quality_contact": roles.SUPPLY_CHAIN_MANAGER,
    "technical_expert": roles.SUPPLY_CHAIN_MANAGER,
    "strategic_sourcing_manager": roles.SUPPLY_CHAIN_MANAGER,
}

LEAD_AUDITORS = ["M. Keller", "S. Iyer", "L. Fontana", "J. O'Brien", "K. Tanaka", "R. Novak"]
FINDINGS = {
    "critical": [
        "Audit trail of the HPLC data system disabled; results could be changed unrecorded.",
        "Media fill failures not investigated while aseptic filling continued.",
        "Batch records completed after the release of the batch.",
        "Out-of-specification assay results invalidated without a root cause.",
    ],
    "major": [
        "Grade B environmental monitoring excursions not investigated in time.",
        "Cleaning validation does not cover the worst-case product on a shared line.",
        "Change control for a new granulator closed without a qualification report.",
        "Deviation investigations lack a root cause and an effectiveness check.",
        "Qualification of an excipient supplier overdue by 14 months.",
        "Stability samples pulled outside the protocol window.",
        "Training records incomplete for aseptic operators.",
    ],
    "minor": [
        "Logbook corrections without initials and date.",
        "Two SOPs past their review date.",
        "Calibration label missing on a dispensing balance.",
        "Gowning instructions not posted at the grade C entry.",
        "Pest-control map out of date.",
        "Cold-room temperature mapping report not approved.",
    ],
}
CAPA_ACTIONS = [
    "Revise the procedure and retrain the operators concerned.",
    "Review the affected batches retrospectively and report the impact.",
    "Qualify the equipment and close the change control with a report.",
    "Introduce a second-person verification of the step.",
    "Execute the missing validation study and update the validation master plan.",
    "Review the electronic audit trail before every batch release.",
]
CAPA_OWNERS = ["Site head of quality", "QA manager", "Head of production", "Validation lead",
               "QC laboratory head", "Engineering manager"]
AUDIT_SUMMARIES = {
    "planned": "Scope agreed with the site; agenda sent.",
    "acceptable": "GMP compliance acceptable; observations to be closed by CAPA.",
    "conditional": "Acceptable on condition that the major findings are closed.",
    "unacceptable": "GMP compliance unacceptable; supply from the site stopped.",
}

# Names that sound like INNs: prefix + middle + a stem of the right class.
SMALL_STEMS = ["tinib", "ciclib", "lisib", "parib", "vir", "sartan", "gliptin", "floxacin",
               "prazole", "setron", "lukast", "dronate"]
BIO_STEMS = ["zumab", "lumab", "tamab", "cept", "glutide"]
PREFIXES = ["ze", "va", "lo", "ri", "ta", "mo", "ne", "ca", "da", "fe", "bri", "cor", "pal",
            "sel", "tor", "vel", "xan", "ob", "ar", "el"]
MIDDLES = ["", "no", "ra", "li", "te", "si", "vo", "de"]
SALTS = ["hydrochloride", "mesylate", "sodium", "maleate", "tartrate", "besylate"]

# The 60 products of a block: type, how many, code prefix, and the ranges of lead time
# (days), unit cost and annual demand (kg for APIs and drug substances, units otherwise).
PRODUCT_MIX = [
    ("api", 14, "API", (120, 365), (500, 25_000), (50, 5_000)),
    ("drug_substance", 8, "DS", (150, 365), (2_000, 50_000), (10, 500)),
    ("drug_product", 26, "DP", (60, 200), (2, 400), (50_000, 5_000_000)),
    ("finished_pack", 12, "FP", (30, 120), (20, 1_500), (10_000, 1_000_000)),
]
PHASE_MIX = [("commercial", 30), ("launch", 7), ("tech_transfer", 8), ("clinical", 11),
             ("discontinued", 4)]
SMALL_CHAIN = [Step.API_SYNTHESIS, Step.FORMULATION, Step.PACKAGING, Step.TESTING,
               Step.DISTRIBUTION]
BIO_CHAIN = [Step.DRUG_SUBSTANCE, Step.FILL_FINISH, Step.PACKAGING, Step.TESTING,
             Step.DISTRIBUTION]
STAGE_LEAD_TIMES = {
    Step.API_SYNTHESIS: (60, 180), Step.DRUG_SUBSTANCE: (60, 150), Step.FORMULATION: (20, 60),
    Step.FILL_FINISH: (20, 45), Step.PACKAGING: (7, 21), Step.TESTING: (10, 30),
    Step.DISTRIBUTION: (3, 10),
}
CONTRACT_CODES = {"msa": "MSA", "quality": "QAG", "supply": "SUP", "sow": "SOW",
                  "confidentiality": "CDA"}
SOW_TITLES = ["Process validation campaign", "Technology transfer", "Stability study",
              "Analytical method transfer", "Capacity reservation"]
# fmt: on


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"),
                           (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"),
                           (4, "IV"), (1, "I")):  # fmt: skip
        count, n = divmod(n, value)
        out += letters * count
    return out


def cmo_name(spec: CmoSpec, block: int) -> str:
    """Block 0 has the plain names; later blocks number them: "Shannon Biologics II Ltd"."""
    if block == 0:
        return f"{spec.stem} {spec.legal_form}"
    return f"{spec.stem} {_roman(block + 1)} {spec.legal_form}"


def username_for(first: str, last: str, block: int) -> str:
    base = f"{first}.{last}".lower()
    return base if block == 0 else f"{base}{block + 1}"
