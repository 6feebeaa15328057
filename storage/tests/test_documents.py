"""Documents are stored whole or not at all, under the commune's key, and read only through the checking view."""

import io
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import DataError
from django_tenants.utils import schema_context

from audit.models import AuditEntry
from conftest import CLISSON, GORGES, signed_in
from core.roles import Role
from storage import access
from storage.access import register_access_policy
from storage.models import Document, StoragePolicy
from storage.services import document_review, document_upload
from storage.tests.conftest import s3_client
from tests.factories import DocumentTypeFactory, UserFactory
from tests.samples import pdf_bytes, phone_photo

OWNER = "families.household:1"


def upload(data: bytes, name: str = "attestation.pdf", owner: str = OWNER, **kwargs) -> Document:
    return document_upload(upload=io.BytesIO(data), client_name=name, owner=owner, uploaded_by=None, **kwargs)


def test_upload_stores_the_file_under_the_communes_key_and_records_it(in_clisson):
    insurance = DocumentTypeFactory(name="Attestation d'assurance", validity_months=12)

    document = upload(pdf_bytes(), "Assurance 2026.pdf", document_type=insurance)

    assert document.file.name.startswith(f"clisson/documents/{document.id.hex}/Assurance_2026")
    assert default_storage.exists(document.file.name)
    assert document.content_type == "application/pdf" and document.review == Document.Review.PENDING
    assert document.expires_on is not None and document.expires_on.year >= 2027


def test_the_communes_size_limit_applies(in_clisson):
    StoragePolicy.objects.create(max_upload_mb=1)

    with pytest.raises(ValidationError) as refused:
        upload(pdf_bytes() + b"%" * (1024 * 1024), "gros.pdf")

    assert "1 Mo" in refused.value.messages[0] and not Document.objects.exists()


def test_when_the_database_refuses_the_stored_file_is_removed(in_clisson, tmp_path):
    with pytest.raises(DataError):
        upload(pdf_bytes(), owner="x" * 300)  # too long for the column

    assert not Document.objects.exists()
    assert not any(path.is_file() for path in tmp_path.rglob("*.pdf"))


def test_staff_review_needs_a_reason_to_refuse_and_is_journaled(in_clisson):
    agent = UserFactory(role=Role.ADMINISTRATOR)
    document = upload(pdf_bytes())

    with pytest.raises(ValidationError):
        document_review(document=document, actor=agent, accepted=False, reason="  ")
    document_review(document=document, actor=agent, accepted=False, reason="Page 2 illisible")

    document.refresh_from_db()
    assert document.review == Document.Review.REFUSED and document.refusal_reason == "Page 2 illisible"
    assert AuditEntry.objects.get(action="storage.review").actor == agent


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.ADMINISTRATOR, 200),
        (Role.SERVICE_MANAGER, 404),
        (Role.FINANCE, 200),
        (Role.ANIMATOR, 404),
        (Role.PARENT, 404),
    ],
)
def test_who_may_download(in_clisson, role, status):
    document = upload(pdf_bytes())
    client = signed_in(UserFactory(role=role), CLISSON.host)

    response = client.get(f"/documents/{document.id}/")

    assert response.status_code == status
    if status == 200:
        assert response["Content-Disposition"] == 'attachment; filename="attestation.pdf"'
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == document.file.open("rb").read()


def test_an_owning_app_grants_its_own_readers(in_clisson, monkeypatch):
    monkeypatch.setattr(access, "_policies", [])  # this test's policy leaves with it
    parent = UserFactory(role=Role.PARENT)
    document = upload(pdf_bytes(), owner=f"test.family:{parent.pk}")

    @register_access_policy
    def family_reads_its_own(user, doc):
        return doc.owner == f"test.family:{user.pk}"

    assert signed_in(parent, CLISSON.host).get(f"/documents/{document.id}/").status_code == 200
    assert signed_in(UserFactory(role=Role.PARENT), CLISSON.host).get(f"/documents/{document.id}/").status_code == 404


def test_another_communes_staff_cannot_reach_a_document_even_knowing_its_id(clisson, gorges):
    with schema_context(CLISSON.slug):
        document = upload(pdf_bytes())
    with schema_context(GORGES.slug):
        gorges_admin = UserFactory(role=Role.ADMINISTRATOR)

    response = signed_in(gorges_admin, GORGES.host).get(f"/documents/{document.id}/")

    assert response.status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(in_clisson, clisson_client):
    document = upload(pdf_bytes())

    response = clisson_client.get(f"/documents/{document.id}/")

    assert response.status_code == 302 and response.url.startswith("/compte/login/")


class TestOnS3:
    """The same, against a private bucket on a local S3 server over HTTP."""

    def test_upload_goes_to_the_bucket_under_the_communes_prefix(self, in_clisson, s3_bucket, s3_endpoint):
        document = upload(phone_photo(), "IMG_2041.JPG")

        listed = s3_client(s3_endpoint).list_objects_v2(Bucket=s3_bucket)["Contents"]
        assert [item["Key"] for item in listed] == [f"clisson/documents/{document.id.hex}/IMG_2041.jpg"]
        acl = s3_client(s3_endpoint).get_object_acl(Bucket=s3_bucket, Key=listed[0]["Key"])
        assert all(grant["Grantee"].get("URI") is None for grant in acl["Grants"])  # no public grant

    def test_download_redirects_to_a_short_lived_presigned_url(self, in_clisson, s3_bucket, s3_endpoint):
        data = pdf_bytes()
        document = upload(data)
        client = signed_in(UserFactory(role=Role.ADMINISTRATOR), CLISSON.host)

        response = client.get(f"/documents/{document.id}/")

        assert response.status_code == 302 and response.url.startswith(f"{s3_endpoint}/{s3_bucket}/clisson/documents/")
        query = parse_qs(urlsplit(response.url).query)
        assert query["X-Amz-Expires"] == ["60"]
        with urllib.request.urlopen(response.url) as fetched:
            assert fetched.read() == data
            assert fetched.headers["Content-Disposition"] == 'attachment; filename="attestation.pdf"'
        unsigned = response.url.split("?")[0]
        with pytest.raises(urllib.error.HTTPError) as denied:
            urllib.request.urlopen(unsigned)
        assert denied.value.code == 403

    def test_a_storage_failure_records_nothing_and_says_so(self, in_clisson, s3_bucket, s3_endpoint):
        s3_client(s3_endpoint).delete_bucket(Bucket=s3_bucket)

        with pytest.raises(ValidationError) as refused:
            upload(pdf_bytes())

        assert "momentanément indisponible : rien n'a été enregistré" in refused.value.messages[0]
        assert not Document.objects.exists()


def test_a_storage_key_opens_nothing_on_any_host(clisson, gorges):
    with schema_context(CLISSON.slug):
        document = upload(pdf_bytes())
        admin = UserFactory(role=Role.ADMINISTRATOR)
    client = signed_in(admin, CLISSON.host)

    for host in (CLISSON.host, GORGES.host, "localhost"):
        client.defaults["HTTP_HOST"] = host
        for path in (f"/{document.file.name}", f"/media/{document.file.name}", f"/documents/{document.file.name}"):
            assert client.get(path).status_code == 404, (host, path)


def test_an_enormous_request_is_refused_before_its_body_is_read(in_clisson, clisson_client):
    response = clisson_client.generic(
        "POST",
        "/famille/documents/",
        b"x",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(3 * 1024**3),
    )

    assert response.status_code == 413
    assert "bien trop gros" in response.content.decode()
