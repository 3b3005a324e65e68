"""Tenants (clients), their API keys, their customers and the customers' KYC applications.

Every row that belongs to a tenant reaches it through ``client``; selectors always filter
on it, so one client can never see another's data.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from lucid_payments.accounts.document_storage import kyc_document_path, kyc_document_storage
from lucid_payments.accounts.scopes import Scope


class Client(models.Model):
    """A client application (tenant) of the platform."""

    name = models.CharField(max_length=200, unique=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ApiKey(models.Model):
    """A credential of one client. Only a SHA-256 of the key is stored; the key itself is
    shown once when it is created. ``prefix`` is the public, non-secret part that operators
    use to tell keys apart."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="api_keys")
    name = models.CharField(max_length=200)
    prefix = models.CharField(max_length=32, unique=True)
    # The key carries 256 random bits, so a fast hash is enough: nobody can brute-force
    # it, and a slow hash would cost every API request.
    key_hash = models.CharField(max_length=64, unique=True)
    scopes = ArrayField(models.CharField(max_length=16, choices=Scope.choices), default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.prefix} ({self.name})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


class RateWindow(models.Model):
    """The request count of one rate-limited identity (an API key) in the current and the
    previous window, when REDIS_URL is not set. Written on every API request, so the table
    is UNLOGGED (see the migration): no WAL and no fsync on the hot path; a crash empties
    it, which only forgives the requests of the last minute. One row per identity,
    overwritten as windows pass, so it never grows beyond the number of keys."""

    ident = models.CharField(max_length=100, primary_key=True)
    window_start_ms = models.BigIntegerField()  # Unix time of the window's start, in ms
    count = models.BigIntegerField()
    previous_count = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.ident}: {self.count} since {self.window_start_ms}"


class Customer(models.Model):
    """An end user of a client, identified by the client's own reference."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        BLOCKED = "blocked", "Blocked"

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="customers")
    external_ref = models.CharField(max_length=128)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    display_name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "external_ref"], name="customer_external_ref_unique_per_client"
            )
        ]

    def __str__(self) -> str:
        return f"{self.external_ref} ({self.client})"


class KycApplication(models.Model):
    """Identity data and documents a customer submitted, and the operators' decision."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        EXPIRED = "expired", "Expired"

    class Level(models.TextChoices):
        BASIC = "basic", "Basic (identity document)"
        FULL = "full", "Full (identity document, selfie and proof of address)"

    class DocumentType(models.TextChoices):
        PASSPORT = "passport", "Passport"
        ID_CARD = "id_card", "National identity card"
        DRIVING_LICENCE = "driving_licence", "Driving licence"

    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="kyc_applications"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    level = models.CharField(max_length=16, choices=Level.choices, default=Level.BASIC)

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2, upper case")
    document_type = models.CharField(max_length=24, choices=DocumentType.choices)
    document_number = models.CharField(max_length=64)

    submitted_at = models.DateTimeField(auto_now_add=True)
    # Four eyes: who typed or changed the data in the admin may not approve it. An
    # application submitted through the API has no operator author.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["submitted_at"]
        verbose_name = "KYC application"
        permissions = [("review_kycapplication", "Can approve or reject KYC applications")]
        constraints = [
            # One open application per customer: a second submission while one waits is a
            # conflict, which also makes concurrent double submissions harmless.
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(status="pending"),
                name="kyc_one_pending_application_per_customer",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(expires_at__isnull=False),
                name="kyc_approved_has_expiry",
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_at"], name="kyc_status_expiry_idx")]

    def __str__(self) -> str:
        return f"KYC #{self.pk} {self.first_name} {self.last_name} ({self.get_status_display()})"

    def is_valid_at(self, moment: datetime) -> bool:
        """Approved and not yet past its expiry time."""
        return (
            self.status == self.Status.APPROVED
            and self.expires_at is not None
            and moment < self.expires_at
        )


class KycDocument(models.Model):
    """One uploaded file. Stored outside any public URL; the admin streams it to staff."""

    class Kind(models.TextChoices):
        DOCUMENT_FRONT = "document_front", "Identity document, front"
        DOCUMENT_BACK = "document_back", "Identity document, back"
        SELFIE = "selfie", "Selfie"
        PROOF_OF_ADDRESS = "proof_of_address", "Proof of address"

    application = models.ForeignKey(
        KycApplication, on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    file = models.FileField(storage=kyc_document_storage, upload_to=kyc_document_path)
    # Sniffed from the file's first bytes, never taken from the upload's declared type.
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    original_name = models.CharField(max_length=255, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kind"], name="kyc_document_kind_unique_per_application"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of KYC #{self.application_id}"
