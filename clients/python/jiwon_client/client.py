"""A thin typed client of jiwond for portal backends: one channel (TLS,
client certificate, token), a deadline on every call, retries with
exponential backoff on UNAVAILABLE, and errors raised as JiwonError with
their field violations parsed."""

from __future__ import annotations

import random
import time
from typing import Callable, Iterator, Optional

import grpc

from jiwon.v1 import (
    company_pb2,
    company_service_pb2,
    company_service_pb2_grpc,
    feedback_service_pb2,
    feedback_service_pb2_grpc,
    match_service_pb2,
    match_service_pb2_grpc,
    program_pb2,
    program_service_pb2,
    program_service_pb2_grpc,
    vocabulary_service_pb2,
    vocabulary_service_pb2_grpc,
)

from .errors import JiwonError


def _read(path: Optional[str]) -> Optional[bytes]:
    if path is None:
        return None
    with open(path, "rb") as f:
        return f.read()


class Client:
    """jiwond at `target` ("host:port").

    TLS when `ca_file` is given (with `cert_file` and `key_file` for a
    client certificate); plaintext only when `plaintext=True`. `token` is
    sent as "authorization: Bearer TOKEN" with every call. `timeout` is
    each attempt's deadline in seconds. A call answered UNAVAILABLE is
    tried again up to `retries` times, after `initial_backoff` seconds
    doubling to at most `max_backoff`, each with up to 20% jitter; every
    jiwon write is idempotent (an identical one changes nothing), so
    retrying writes is safe. `on_retry(attempt, error)` is told of each.
    """

    def __init__(
        self,
        target: str,
        *,
        token: Optional[str] = None,
        ca_file: Optional[str] = None,
        cert_file: Optional[str] = None,
        key_file: Optional[str] = None,
        plaintext: bool = False,
        timeout: float = 10.0,
        retries: int = 3,
        initial_backoff: float = 0.1,
        max_backoff: float = 2.0,
        on_retry: Optional[Callable[[int, JiwonError], None]] = None,
    ):
        if ca_file is None and not plaintext:
            raise ValueError("ca_file: needed for TLS (or pass plaintext=True)")
        if (cert_file is None) != (key_file is None):
            raise ValueError("cert_file and key_file: give both or neither")
        if plaintext:
            self._channel = grpc.insecure_channel(target)
        else:
            creds = grpc.ssl_channel_credentials(
                root_certificates=_read(ca_file),
                private_key=_read(key_file),
                certificate_chain=_read(cert_file),
            )
            self._channel = grpc.secure_channel(target, creds)
        self._metadata = (("authorization", f"Bearer {token}"),) if token else ()
        self.timeout = timeout
        self.retries = retries
        self.initial_backoff = initial_backoff
        self.max_backoff = max_backoff
        self.on_retry = on_retry
        self.companies = company_service_pb2_grpc.CompanyServiceStub(self._channel)
        self.programs = program_service_pb2_grpc.ProgramServiceStub(self._channel)
        self.matching = match_service_pb2_grpc.MatchServiceStub(self._channel)
        self.feedback = feedback_service_pb2_grpc.FeedbackServiceStub(self._channel)
        self.vocabulary_service = vocabulary_service_pb2_grpc.VocabularyServiceStub(
            self._channel
        )

    @property
    def channel(self) -> grpc.Channel:
        return self._channel

    def close(self) -> None:
        self._channel.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def call(self, method, request, *, timeout: Optional[float] = None):
        """Calls a unary stub method (e.g. `client.programs.GetProgram`)
        with the deadline, token and retries; raises JiwonError."""
        attempt = 0
        backoff = self.initial_backoff
        while True:
            try:
                return method(
                    request,
                    timeout=self.timeout if timeout is None else timeout,
                    metadata=self._metadata,
                )
            except grpc.RpcError as e:
                error = JiwonError.from_rpc_error(e)
                if error.code != grpc.StatusCode.UNAVAILABLE or attempt >= self.retries:
                    raise error from None
                attempt += 1
                if self.on_retry is not None:
                    self.on_retry(attempt, error)
                time.sleep(backoff * (1 + 0.2 * random.random()))
                backoff = min(backoff * 2, self.max_backoff)

    # ---- companies

    def get_company(self, company_id: str) -> company_pb2.Company:
        req = company_service_pb2.GetCompanyRequest(company_id=company_id)
        return self.call(self.companies.GetCompany, req).company

    def upsert_company(
        self, company: company_pb2.Company
    ) -> company_service_pb2.UpsertCompanyResponse:
        req = company_service_pb2.UpsertCompanyRequest(company=company)
        return self.call(self.companies.UpsertCompany, req)

    def update_company(
        self,
        company: company_pb2.Company,
        fields=(),
        expected_version: Optional[int] = None,
    ) -> company_service_pb2.UpdateCompanyResponse:
        """Changes only `fields` (top-level names; empty: those `company`
        sets) of the stored company `company.id`; a named field `company`
        lacks is cleared."""
        req = company_service_pb2.UpdateCompanyRequest(company=company)
        req.update_mask.paths.extend(fields)
        if expected_version is not None:
            req.expected_version = expected_version
        return self.call(self.companies.UpdateCompany, req)

    def list_companies(self, page_size: int = 0) -> Iterator[company_pb2.Company]:
        """Every company, page by page."""
        token = ""
        while True:
            req = company_service_pb2.ListCompaniesRequest(
                page_size=page_size, page_token=token
            )
            resp = self.call(self.companies.ListCompanies, req)
            yield from resp.companies
            token = resp.next_page_token
            if not token:
                return

    # ---- programs

    def get_program(self, program_id: str) -> program_pb2.Program:
        req = program_service_pb2.GetProgramRequest(program_id=program_id)
        return self.call(self.programs.GetProgram, req).program

    def upsert_program(
        self, program: program_pb2.Program, expected_version: Optional[int] = None
    ) -> program_service_pb2.UpsertProgramResponse:
        req = program_service_pb2.UpsertProgramRequest(program=program)
        if expected_version is not None:
            req.expected_version = expected_version
        return self.call(self.programs.UpsertProgram, req)

    def list_programs(self, **filters) -> Iterator[program_pb2.Program]:
        """Every program the filters admit (ListProgramsRequest's fields),
        page by page."""
        token = ""
        while True:
            req = program_service_pb2.ListProgramsRequest(page_token=token, **filters)
            resp = self.call(self.programs.ListPrograms, req)
            yield from (s.program for s in resp.programs)
            token = resp.next_page_token
            if not token:
                return

    # ---- matching

    def recommend(
        self, company_id: Optional[str] = None, *, profile=None, **options
    ) -> match_service_pb2.RecommendResponse:
        """A company's matches, by id or by an inline profile (not stored);
        `options` are RecommendRequest's fields (limit, open_only, ...)."""
        if (company_id is None) == (profile is None):
            raise ValueError("recommend: give company_id or profile")
        if company_id is not None:
            req = match_service_pb2.RecommendRequest(company_id=company_id, **options)
        else:
            req = match_service_pb2.RecommendRequest(profile=profile, **options)
        return self.call(self.matching.Recommend, req)

    def explain(
        self, company_id: str, program_id: str, **options
    ) -> match_service_pb2.ExplainResponse:
        req = match_service_pb2.ExplainRequest(
            company_id=company_id, program_id=program_id, **options
        )
        return self.call(self.matching.Explain, req)

    # ---- feedback and names

    def record_feedback(
        self, company_id: str, program_id: str, kind: str, note: str = ""
    ) -> feedback_service_pb2.RecordFeedbackResponse:
        """`kind` is DISMISSED, SAVED or APPLIED."""
        fb = feedback_service_pb2.Feedback(
            company_id=company_id,
            program_id=program_id,
            kind=feedback_service_pb2.FeedbackKind.Value(f"FEEDBACK_KIND_{kind}"),
            note=note,
        )
        req = feedback_service_pb2.RecordFeedbackRequest(feedback=fb)
        return self.call(self.feedback.RecordFeedback, req)

    def vocabulary(self):
        return self.call(
            self.vocabulary_service.GetVocabulary,
            vocabulary_service_pb2.GetVocabularyRequest(),
        )
