"""jiwon_client against a real jiwond on 127.0.0.1 (TLS, tokens), started
by tests/e2e/errors_test.cc, which passes its address and credentials:

  JIWON_TEST_ADDR, JIWON_TEST_CA, JIWON_TEST_CERT, JIWON_TEST_KEY,
  JIWON_TEST_TOKENS (a JSON file: caller name -> token),
  JIWON_TEST_CASES (tests/data/errors/cases.jsonl).
"""

import importlib
import io
import json
import os
import pkgutil
import socket
import sys
import unittest

import grpc
from google.protobuf import descriptor_pool, json_format, message_factory

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "examples"))

from jiwon.v1 import company_pb2, company_service_pb2, program_pb2  # noqa: E402
from jiwon_client import Client, JiwonError  # noqa: E402
import portal_handler  # noqa: E402
import jiwon.v1  # noqa: E402

# Every service's descriptors, for the cases' lookups by name.
for _module in pkgutil.iter_modules(jiwon.v1.__path__):
    importlib.import_module(f"jiwon.v1.{_module.name}")

ENV = os.environ


def message_class(desc):
    if hasattr(message_factory, "GetMessageClass"):  # protobuf 4.22 and later
        return message_factory.GetMessageClass(desc)
    return message_factory.MessageFactory().GetPrototype(desc)


def request_of(method: str, case: dict):
    """The request of a case: its JSON as the method's input message, or
    its bytes as they are."""
    if "request_hex" in case:
        return bytes.fromhex(case["request_hex"])
    service, name = method.split("/")
    desc = descriptor_pool.Default().FindServiceByName(service).FindMethodByName(name)
    cls = message_class(desc.input_type)
    text = json.dumps(case["request"], ensure_ascii=False)
    if "@@PAD:" in text:
        start = text.index("@@PAD:")
        end = text.index("@@", start + 6)
        text = text[:start] + "x" * int(text[start + 6:end]) + text[end + 2:]
    return json_format.Parse(text, cls()).SerializeToString()


class ClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(ENV["JIWON_TEST_TOKENS"]) as f:
            cls.tokens = json.load(f)
        cls.clients = {}

    @classmethod
    def tearDownClass(cls):
        for c in cls.clients.values():
            c.close()

    def client(self, who="admin") -> Client:
        if who not in self.clients:
            self.clients[who] = Client(
                ENV["JIWON_TEST_ADDR"],
                token=self.tokens.get(who),
                ca_file=ENV["JIWON_TEST_CA"],
                cert_file=ENV["JIWON_TEST_CERT"],
                key_file=ENV["JIWON_TEST_KEY"],
                timeout=30,
            )
        return self.clients[who]

    def raw(self, who, method, data):
        c = self.client(who)
        call = c.channel.unary_unary("/" + method)  # bytes in, bytes out
        return c.call(call, data)

    def test_every_case_raises_its_reason_and_field_violations(self):
        with open(ENV["JIWON_TEST_CASES"], encoding="utf-8") as f:
            cases = [json.loads(line) for line in f if line.strip()]
        self.assertGreaterEqual(len(cases), 30)
        for case in cases:
            with self.subTest(case["name"]):
                for step in case.get("setup", []):
                    self.raw("admin", step["method"], request_of(step["method"], step))
                with self.assertRaises(JiwonError) as caught:
                    self.raw(case["as"], case["method"], request_of(case["method"], case))
                e = caught.exception
                self.assertEqual(e.code.name, case["code"], e.message)
                self.assertEqual(e.reason, case["reason"], e.message)
                if not e.message.startswith("["):
                    self.assertTrue(e.korean, "no Korean message")
                for want in case.get("violations", []):
                    v = [x for x in e.violations
                         if x.field == want["field"] and x.reason == want["reason"]]
                    self.assertEqual(len(v), 1, f"{want} not in {e.violations}")
                    self.assertTrue(v[0].description)
                    self.assertTrue(v[0].korean)

    def test_a_profile_is_stored_and_recommended(self):
        c = self.client("admin")
        program = json_format.ParseDict({
            "id": "py-gyeonggi", "title": "파이썬 시험 사업", "category": "CATEGORY_DOMESTIC",
            "window": {"kind": "WINDOW_KIND_ROLLING"},
            "rules": [{"id": "gyeonggi", "kind": "RULE_KIND_REQUIRE", "label": "경기도 소재",
                       "evidence": "공고일 기준 본사가 경기도에 소재한 기업",
                       "condition": {"predicate": {"fact": "FACT_HEAD_OFFICE_REGION",
                                                   "op": "OPERATOR_IN", "codes": ["41"]}}}],
        }, program_pb2.Program())
        c.upsert_program(program)
        c.upsert_company(company_pb2.Company(id="PY1", name="(주)파이썬", head_office_region="41610"))
        self.assertEqual(c.get_company("PY1").name, "(주)파이썬")
        got = c.recommend("PY1", limit=50)
        ids = [m.program_id for m in got.matches]
        self.assertIn("py-gyeonggi", ids)
        self.assertIn("PY1", [x.id for x in c.list_companies(page_size=1)])
        # A partial update: only the employee count changes.
        c.update_company(company_pb2.Company(id="PY1", regular_employees=7),
                         ["regular_employees"], expected_version=1)
        got = c.get_company("PY1")
        self.assertEqual((got.name, got.regular_employees, got.version), ("(주)파이썬", 7, 2))
        with self.assertRaises(JiwonError) as stale:
            c.update_company(company_pb2.Company(id="PY1", name="x"), ["name"],
                             expected_version=1)
        self.assertEqual(stale.exception.reason, "VERSION_MISMATCH")

    def test_unavailable_is_retried_with_backoff_then_raised(self):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()  # nothing listens there now
        seen = []
        with Client(f"127.0.0.1:{port}", plaintext=True, retries=2, initial_backoff=0.01,
                    timeout=5, on_retry=lambda n, e: seen.append((n, e.code))) as c:
            with self.assertRaises(JiwonError) as caught:
                c.get_company("C1")
        self.assertEqual(caught.exception.code, grpc.StatusCode.UNAVAILABLE)
        self.assertEqual(seen, [(1, grpc.StatusCode.UNAVAILABLE), (2, grpc.StatusCode.UNAVAILABLE)])

    def test_a_deadline_is_raised_and_not_retried(self):
        seen = []
        c = self.client("admin")
        c.on_retry = lambda n, e: seen.append(n)
        try:
            with self.assertRaises(JiwonError) as caught:
                c.call(c.companies.ListCompanies,
                       company_service_pb2.ListCompaniesRequest(), timeout=1e-6)
        finally:
            c.on_retry = None
        self.assertEqual(caught.exception.code, grpc.StatusCode.DEADLINE_EXCEEDED)
        self.assertEqual(seen, [])

    def test_the_portal_handler_maps_field_violations_to_the_form(self):
        app = portal_handler.make_app(self.client("admin"))

        def request(method, path, body=b""):
            out = {}
            environ = {"REQUEST_METHOD": method, "PATH_INFO": path,
                       "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body)}
            chunks = app(environ, lambda status, headers: out.update(status=status))
            return out["status"], json.loads(b"".join(chunks))

        body = json.dumps({"name": "(주)폼", "founded_on": "2026-02-30",
                           "head_office_region": "99"}).encode()
        status, reply = request("PUT", "/companies/FORM1", body)
        self.assertEqual(status, "400 Bad Request")
        self.assertEqual(reply["fields"]["company.founded_on"]["reason"], "INVALID_DATE")
        self.assertEqual(reply["fields"]["company.head_office_region"]["reason"],
                         "UNKNOWN_REGION_CODE")
        self.assertIn("행정구역", reply["fields"]["company.head_office_region"]["message"])

        status, _ = request("PUT", "/companies/FORM1",
                            json.dumps({"name": "(주)폼", "head_office_region": "41610"}).encode())
        self.assertEqual(status, "201 Created")
        status, reply = request("GET", "/companies/FORM1/recommendations")
        self.assertEqual(status, "200 OK")
        self.assertIn("asOf", reply)
        status, reply = request("GET", "/companies/NOPE/recommendations")
        self.assertEqual(status, "404 Not Found")
        self.assertEqual(reply["reason"], "COMPANY_NOT_FOUND")


if __name__ == "__main__":
    unittest.main()
