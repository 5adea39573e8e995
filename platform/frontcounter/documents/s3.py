"""Documents in S3-compatible object storage (AWS S3, MinIO, Ceph...), chosen with DOCUMENT_STORAGE=s3.

Settings (environment): S3_BUCKET (required), S3_ENDPOINT_URL (for a service other than AWS),
S3_REGION, S3_PREFIX (a folder inside the bucket), and the usual AWS_ACCESS_KEY_ID /
AWS_SECRET_ACCESS_KEY (or an instance role). The bucket stays private: every download goes through
the platform's permission checks, which stream the object to the person; objects are written with
server-side encryption. Upload checks (type by content, re-encoding, size) happen before `save`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from frontcounter.documents.storage import check_key


class S3Storage:
    """Keeps document bytes as objects in one private bucket."""

    def __init__(self, bucket: str, client: Any, prefix: str = "", encrypt: bool = True) -> None:
        self.bucket, self.client, self.prefix, self.encrypt = bucket, client, prefix.strip("/"), encrypt

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> S3Storage:
        """Build from S3_BUCKET, S3_ENDPOINT_URL, S3_REGION, S3_PREFIX and S3_ENCRYPT."""
        import boto3
        from botocore.config import Config

        bucket = config.get("S3_BUCKET")
        if not bucket:
            raise ValueError("DOCUMENT_STORAGE=s3 needs S3_BUCKET")
        client = boto3.client(
            "s3",
            endpoint_url=config.get("S3_ENDPOINT_URL") or None,
            region_name=config.get("S3_REGION") or None,
            config=Config(retries={"max_attempts": 5, "mode": "standard"}, connect_timeout=5, read_timeout=30),
        )
        encrypt = str(config.get("S3_ENCRYPT", "1")).lower() not in {"0", "false", "no"}
        return cls(bucket, client, str(config.get("S3_PREFIX") or ""), encrypt)

    def _name(self, key: str) -> str:
        key = check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def save(self, key: str, data: bytes) -> None:
        """Put the object (private, encrypted at rest)."""
        extra = {"ServerSideEncryption": "AES256"} if self.encrypt else {}
        self.client.put_object(
            Bucket=self.bucket, Key=self._name(key), Body=data, ContentType="application/octet-stream", **extra
        )

    def open(self, key: str) -> IO[bytes]:
        """A readable stream of the object's bytes (the caller closes it)."""
        return self.client.get_object(Bucket=self.bucket, Key=self._name(key))["Body"]

    def delete(self, key: str) -> None:
        """Remove the object; no error when it is already gone."""
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))
