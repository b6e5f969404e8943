from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

# Signatures at the start of each accepted kind of file: the extension alone proves nothing.
SIGNED_DOCUMENT_MAGIC = {
    ".pdf": (b"%PDF-",),
    ".docx": (b"PK\x03\x04",),
}


def validate_signed_document(upload) -> None:
    """A signed contract must be a real PDF or .docx file within the size limit."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            f"The file is {filesizeformat(upload.size)}; the limit is {filesizeformat(limit)}."
        )
    name = upload.name.lower()
    extension = next((ext for ext in SIGNED_DOCUMENT_MAGIC if name.endswith(ext)), None)
    if extension is None:
        raise ValidationError("Upload the signed contract as a PDF or a Word (.docx) file.")
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(8)
    upload.seek(position)
    if not head.startswith(SIGNED_DOCUMENT_MAGIC[extension]):
        raise ValidationError(
            f"The file is named {extension} but its content is not a {extension[1:].upper()} file."
        )
