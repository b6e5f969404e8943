import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from contracts.models import Contract
from contracts.validators import validate_signed_document
from tests.factories import ContractFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)
D = datetime.timedelta


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({"signed_on": None}, Contract.Status.DRAFT),
        ({"effective_date": TODAY + D(days=10)}, Contract.Status.DRAFT),
        ({"expiry_date": TODAY + D(days=91)}, Contract.Status.ACTIVE),
        ({"expiry_date": TODAY + D(days=90)}, Contract.Status.EXPIRING),
        ({"expiry_date": TODAY}, Contract.Status.EXPIRING),
        ({"expiry_date": TODAY - D(days=1)}, Contract.Status.EXPIRED),
        ({"terminated_on": TODAY}, Contract.Status.TERMINATED),
        ({"terminated_on": TODAY + D(days=5)}, Contract.Status.ACTIVE),
    ],
)
def test_status_is_derived_from_the_dates_alike_in_python_and_sql(fields, status):
    base = {
        "effective_date": TODAY - D(days=365),
        "expiry_date": TODAY + D(days=400),
        "signed_on": TODAY - D(days=365),
    }
    contract = ContractFactory(**{**base, **fields})
    assert contract.status_on(TODAY) == status
    assert Contract.objects.with_status(TODAY).get(pk=contract.pk).current_status == status


def test_the_last_day_to_give_notice_is_expiry_minus_the_notice_period():
    contract = ContractFactory(expiry_date=datetime.date(2027, 3, 31), notice_period_days=90)
    annotated = Contract.objects.with_status(TODAY).get(pk=contract.pk)
    assert contract.notice_date == annotated.last_notice_date == datetime.date(2026, 12, 31)


def test_expiry_must_follow_the_effective_date():
    contract = ContractFactory.build(
        cmo=ContractFactory().cmo, effective_date=TODAY, expiry_date=TODAY - D(days=1)
    )
    with pytest.raises(ValidationError) as error:
        contract.full_clean()
    assert "expiry_date" in error.value.message_dict


def test_in_force_means_active_or_expiring():
    active = ContractFactory(expiry_date=TODAY + D(days=400))
    expiring = ContractFactory(expiry_date=TODAY + D(days=30))
    ContractFactory(expiry_date=TODAY - D(days=30))
    ContractFactory(signed_on=None)
    assert set(Contract.objects.in_force(TODAY)) == {active, expiring}


def test_value_cannot_be_negative():
    contract = ContractFactory.build(cmo=ContractFactory().cmo, value=Decimal("-1"))
    with pytest.raises(ValidationError) as error:
        contract.full_clean(exclude=["reference"])
    assert "value" in error.value.message_dict


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("contract.exe", b"MZ\x90\x00", "PDF or a Word"),
        ("contract.pdf", b"PK\x03\x04 not a pdf", "not a PDF file"),
        ("contract.docx", b"%PDF-1.7", "not a DOCX file"),
    ],
)
def test_signed_document_is_checked_by_content_not_only_extension(name, content, message):
    with pytest.raises(ValidationError, match=message):
        validate_signed_document(SimpleUploadedFile(name, content))


def test_signed_document_over_the_size_limit_is_refused(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationError, match="the limit is 1.0"):
        validate_signed_document(SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 2048))


def test_a_real_pdf_is_accepted():
    validate_signed_document(SimpleUploadedFile("signed.pdf", b"%PDF-1.7\n%..."))
