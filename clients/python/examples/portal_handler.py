"""An example portal backend handler over jiwon_client, as a WSGI app
(standard library only):

  GET /companies/<id>/recommendations   the recommendation page's data
  PUT /companies/<id>                   store a profile (JSON, as jiwon's)

A refused profile is answered 400 with each problem keyed by its field, in
Korean for the form and English for the log; the other jiwon errors map to
their HTTP statuses. Run it with a jiwond to talk to:

  PYTHONPATH=build/python:clients/python python3 \
      clients/python/examples/portal_handler.py 127.0.0.1:50051 ca.pem token
"""

from __future__ import annotations

import json
import re
import sys
from typing import Callable, Iterable

import grpc
from google.protobuf import json_format

from jiwon.v1 import company_pb2
from jiwon_client import Client, JiwonError

_HTTP = {
    grpc.StatusCode.INVALID_ARGUMENT: "400 Bad Request",
    grpc.StatusCode.NOT_FOUND: "404 Not Found",
    grpc.StatusCode.UNAUTHENTICATED: "401 Unauthorized",
    grpc.StatusCode.PERMISSION_DENIED: "403 Forbidden",
    grpc.StatusCode.ABORTED: "409 Conflict",
    grpc.StatusCode.FAILED_PRECONDITION: "412 Precondition Failed",
    grpc.StatusCode.RESOURCE_EXHAUSTED: "429 Too Many Requests",
    grpc.StatusCode.UNAVAILABLE: "503 Service Unavailable",
    grpc.StatusCode.DEADLINE_EXCEEDED: "504 Gateway Timeout",
}
_RECOMMENDATIONS = re.compile(r"^/companies/([A-Za-z0-9._:-]{1,64})/recommendations$")
_COMPANY = re.compile(r"^/companies/([A-Za-z0-9._:-]{1,64})$")
_MAX_BODY = 1 << 20


def error_body(e: JiwonError) -> dict:
    """What a form shows: the problem of each field, in Korean."""
    return {
        "reason": e.reason,
        "message": e.korean or e.message,
        "fields": {
            v.field: {"message": v.korean, "reason": v.reason, "detail": v.description}
            for v in e.violations
        },
    }


def make_app(client: Client) -> Callable:
    def app(environ, start_response) -> Iterable[bytes]:
        def reply(status: str, body: dict):
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            start_response(
                status,
                [("Content-Type", "application/json; charset=utf-8"),
                 ("Content-Length", str(len(data)))],
            )
            return [data]

        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "")
        try:
            m = _RECOMMENDATIONS.match(path)
            if m and method == "GET":
                resp = client.recommend(m.group(1), limit=10)
                return reply("200 OK", json_format.MessageToDict(resp))
            m = _COMPANY.match(path)
            if m and method == "PUT":
                length = int(environ.get("CONTENT_LENGTH") or 0)
                if length > _MAX_BODY:
                    return reply("413 Payload Too Large", {"message": "over 1 MiB"})
                raw = environ["wsgi.input"].read(length)
                company = company_pb2.Company()
                try:
                    json_format.Parse(raw.decode("utf-8"), company)
                except (json_format.ParseError, UnicodeDecodeError) as e:
                    return reply("400 Bad Request", {"message": f"not a company: {e}"})
                company.id = m.group(1)
                resp = client.upsert_company(company)
                return reply("201 Created" if resp.created else "200 OK",
                             {"company_id": company.id, "created": resp.created})
            return reply("404 Not Found", {"message": f"no route {method} {path}"})
        except JiwonError as e:
            return reply(_HTTP.get(e.code, "502 Bad Gateway"), error_body(e))

    return app


if __name__ == "__main__":
    from wsgiref.simple_server import make_server

    target, ca, token = sys.argv[1:4]
    with Client(target, ca_file=ca, token=token) as c:
        with make_server("127.0.0.1", 8080, make_app(c)) as httpd:
            httpd.serve_forever()
