"""jiwon's errors as Python exceptions, with the google.rpc.Status details
(reason code, field violations in English and Korean) parsed."""

from __future__ import annotations

import dataclasses
import re
from typing import Dict, List, Optional

import grpc

from google.rpc import error_details_pb2, status_pb2

DOMAIN = "jiwon.v1"
_DETAILS_KEY = "grpc-status-details-bin"
# A call refused before it reached jiwon (gRPC's auth hook sends no
# trailers) names its reason in brackets at the start of the message.
_LEADING_REASON = re.compile(r"^\[([A-Z][A-Z0-9_]*)\] ")


@dataclasses.dataclass(frozen=True)
class FieldViolation:
    """One problem of a refused record: the field's path, what is wrong in
    English, the problem's reason code, and what to show next to the form
    field in Korean."""

    field: str
    description: str
    reason: str
    korean: str


class JiwonError(Exception):
    """A failed call: its gRPC code, English message, stable reason code,
    the ErrorInfo metadata, and one FieldViolation per problem."""

    def __init__(
        self,
        code: grpc.StatusCode,
        message: str,
        reason: str = "",
        violations: Optional[List[FieldViolation]] = None,
        metadata: Optional[Dict[str, str]] = None,
        korean: str = "",
    ):
        super().__init__(f"{code.name}: {message}")
        self.code = code
        self.message = message
        self.reason = reason
        self.violations = list(violations or [])
        self.metadata = dict(metadata or {})
        self.korean = korean

    def violation(self, field: str) -> Optional[FieldViolation]:
        """The violation of `field`, or None."""
        for v in self.violations:
            if v.field == field:
                return v
        return None

    @classmethod
    def from_rpc_error(cls, error: grpc.RpcError) -> "JiwonError":
        """Reads the status details of a failed call."""
        code = error.code() if hasattr(error, "code") else grpc.StatusCode.UNKNOWN
        message = error.details() if hasattr(error, "details") else str(error)
        message = message or ""
        raw = None
        trailers = error.trailing_metadata() if hasattr(error, "trailing_metadata") else None
        for key, value in trailers or ():
            if key == _DETAILS_KEY:
                raw = value
        return cls.from_status_bytes(code, message, raw)

    @classmethod
    def from_status_bytes(
        cls, code: grpc.StatusCode, message: str, raw: Optional[bytes]
    ) -> "JiwonError":
        reason, metadata, korean, violations = "", {}, "", []
        if raw:
            status = status_pb2.Status()
            status.ParseFromString(raw)
            for any_ in status.details:
                if any_.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
                    info = error_details_pb2.ErrorInfo()
                    any_.Unpack(info)
                    if info.domain == DOMAIN:
                        reason = info.reason
                        metadata = dict(info.metadata)
                elif any_.Is(error_details_pb2.BadRequest.DESCRIPTOR):
                    bad = error_details_pb2.BadRequest()
                    any_.Unpack(bad)
                    for v in bad.field_violations:
                        violations.append(
                            FieldViolation(
                                v.field,
                                v.description,
                                v.reason,
                                v.localized_message.message,
                            )
                        )
                elif any_.Is(error_details_pb2.LocalizedMessage.DESCRIPTOR):
                    lm = error_details_pb2.LocalizedMessage()
                    any_.Unpack(lm)
                    korean = lm.message
        if not reason:
            m = _LEADING_REASON.match(message)
            if m:
                reason = m.group(1)
        return cls(code, message, reason, violations, metadata, korean)
