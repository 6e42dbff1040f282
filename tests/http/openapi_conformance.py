#!/usr/bin/env python3
"""docs/openapi.yaml against a running server: the sample server, on a real SQLite file with its
demo data, in compatible and in strict mode, is sent the calls a client makes (good ones and
every kind of error), over a socket. Each answer must be one the description lists for its
operation and status, and match its schema (JSON Schema 2020-12, the dialect of OpenAPI 3.1);
each request the server accepted must match the request's schema. Client generators and API
gateways trust the description; this keeps it honest.

Usage: openapi_conformance.py --cli PATH/netflix-charges --openapi docs/openapi.yaml
"""

import argparse
import base64
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import warnings

import jsonschema  # python3-jsonschema (Debian), 4.x: Draft202012Validator
import yaml  # python3-yaml

BASE = "/crmapi/rest/v2/"
failures = []


def fail(what):
    failures.append(what)
    print("FAIL: " + what, file=sys.stderr)


class Server:
    """`netflix-charges serve --demo` on a free port of 127.0.0.1, with a Web API key added first."""

    def __init__(self, cli, folder, strict):
        self.db = os.path.join(folder, "strict.db" if strict else "compatible.db")
        added = subprocess.run([cli, "key", "add", "--db", self.db, "--org", "demo"], capture_output=True, text=True, check=True)
        self.key = re.search(r"nck_[A-Za-z0-9_-]+", added.stdout).group(0)
        args = [cli, "serve", "--demo", "--db", self.db, "--listen", "127.0.0.1:0"] + (["--strict-errors"] if strict else [])
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 30
        for line in self.process.stderr:
            found = re.search(r"on http://127\.0\.0\.1:(\d+)", line)
            if found:
                self.port = int(found.group(1))
                break
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
        else:
            raise RuntimeError("the server exited: " + str(self.process.wait()))

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def exchange(port, raw):
    """Sends raw request bytes (each ends with Connection: close) and reads the answer to EOF."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(raw)
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, body


def request(method, target, body=None, headers=None):
    text = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    for name, value in (headers or {}).items():
        text += name + ": " + value + "\r\n"
    payload = b""
    if body is not None:
        payload = body if isinstance(body, bytes) else json.dumps(body).encode()
        text += "Content-Type: application/json\r\nContent-Length: " + str(len(payload)) + "\r\n"
    return (text + "\r\n").encode() + payload


class Description:
    def __init__(self, path):
        with open(path) as f:
            self.doc = yaml.safe_load(f)
        with warnings.catch_warnings():  # deprecated from jsonschema 4.18 on; Debian bookworm has 4.10
            warnings.simplefilter("ignore", DeprecationWarning)
            self.resolver = jsonschema.RefResolver.from_schema(self.doc)

    def check(self, schema, instance, what):
        validator = jsonschema.Draft202012Validator(schema, resolver=self.resolver)
        errors = sorted(validator.iter_errors(instance), key=lambda e: e.path)
        for e in errors[:3]:
            fail(what + ": " + e.message[:300])
        return not errors

    def resolve(self, node):
        while isinstance(node, dict) and "$ref" in node:
            node = self.resolver.resolve(node["$ref"])[1]
        return node

    def operation(self, method, path):
        item = self.doc["paths"].get(path)
        if item is None:
            return None
        return item.get(method.lower())


def check_answer(d, name, method, path, status, headers, body):
    """The answer is listed for its operation and status, and matches the schema."""
    what = name + " (" + method + " " + path + " -> " + str(status) + ")"
    op = d.operation(method, path)
    if op is None:
        if status not in (404, 405):
            fail(what + ": an operation the description does not have")
        schema = {"$ref": "#/components/schemas/Error"}
        response = {"content": {"application/json": {"schema": schema}}}
    else:
        response = op["responses"].get(str(status), op["responses"].get("default"))
        if response is None:
            fail(what + ": a status the operation does not list")
            return None
        response = d.resolve(response)
    for header, spec in (response.get("headers") or {}).items():
        if spec.get("required") and header.lower() not in headers:
            fail(what + ": header " + header + " missing")
    content_type = headers.get("content-type", "").split(";")[0]
    content = response.get("content") or {}
    if content_type not in content:
        fail(what + ": content type " + content_type + " is not described")
        return None
    if content_type != "application/json":
        return None
    try:
        value = json.loads(body)
    except ValueError:
        fail(what + ": not JSON")
        return None
    d.check(content[content_type]["schema"], value, what)
    return value


def check_request(d, name, method, path, query, body):
    """A request the server accepted matches the request's schema (body and query parameters)."""
    op = d.operation(method, path)
    what = "request " + name
    for parameter in op.get("parameters", []):
        parameter = d.resolve(parameter)
        if parameter["in"] != "query":
            continue
        values = query.get(parameter["name"])
        if values is None:
            if parameter.get("required"):
                fail(what + ": required parameter " + parameter["name"] + " absent")
            continue
        value = values[0]
        if parameter["schema"].get("type") == "integer":
            value = int(value) if re.fullmatch(r"[0-9]+", value) else value
        d.check(parameter["schema"], value, what + ", parameter " + parameter["name"])
    if body is not None and "requestBody" in op:
        schema = d.resolve(op["requestBody"])["content"]["application/json"]["schema"]
        d.check(schema, body, what + ", body")


def run(d, server, strict):
    mode = "strict" if strict else "compatible"
    port = server.port
    basic = "Basic " + base64.b64encode((server.key + ":").encode()).decode()
    answered = {}

    def call(name, method, target, body=None, headers=None, raw=None):
        status, answer_headers, answer_body = exchange(port, raw or request(method, target, body, headers))
        parsed = urllib.parse.urlsplit(target)
        path = parsed.path.rstrip("/") if parsed.path != "/" else "/"
        value = check_answer(d, mode + ": " + name, method, path, status, answer_headers, answer_body) if method != "HEAD" else None
        if method == "HEAD" and answer_body:
            fail(mode + ": " + name + ": an answer to HEAD has a body")
        ok = isinstance(value, dict) and value.get("status", {}).get("code") == "OK"
        if ok and d.operation(method, path) is not None:
            check_request(d, mode + ": " + name, method, path, urllib.parse.parse_qs(parsed.query, keep_blank_values=True),
                          body if isinstance(body, (dict, list)) else None)
        answered[name] = (status, value)
        return value

    login = call("login", "POST", BASE + "authentication/token",
                 {"username": "demo", "password": "demo-password", "organisation": "demo", "unit": ""})
    token = login["data"]["token"]
    call("login, wrong password", "POST", BASE + "authentication/token",
         {"username": "demo", "password": "wrong", "organisation": "demo"})
    call("login, missing organisation", "POST", BASE + "authentication/token", {"username": "demo", "password": "x"})
    call("login, not JSON", "POST", BASE + "authentication/token", b"username=demo")
    call("login, an array", "POST", BASE + "authentication/token", [1, 2])
    call("key login without Authorization", "POST", BASE + "authentication/web_api_key/token")
    call("key login", "POST", BASE + "authentication/web_api_key/token", headers={"Authorization": basic})
    call("key login by GET", "GET", BASE + "authentication/web_api_key/token", headers={"Authorization": basic})
    call("key login, unknown key", "POST", BASE + "authentication/web_api_key/token",
         headers={"Authorization": "Basic " + base64.b64encode(b"nck_nope:").decode()})

    listing = BASE + "netflix/charges/list?token=" + token + "&number_of_results=50&charge_status=NOT_PROCESSED&offset=0"
    pending = call("list", "GET", listing)["data"]["charges_set"]
    if len(pending) < 4:
        fail(mode + ": the demo has fewer pending charges than the calls need")
        return
    call("list, PROCESSED", "GET", listing.replace("NOT_PROCESSED", "PROCESSED"))
    call("list, fields_set", "GET", listing + "&fields_set=number,amount,set_as_approved_on")
    call("list, empty fields_set, trailing slash", "GET", listing.replace("list?", "list/?") + "&fields_set=")
    call("list, HEAD", "HEAD", listing)
    call("list, number_of_results 51", "GET", listing.replace("number_of_results=50", "number_of_results=51"))
    call("list, no token", "GET", listing.replace("token=" + token, "token="))
    call("list, forged token", "GET", listing.replace("token=" + token, "token=" + token[:-2] + "xx"))

    def item(charge, reference=None):
        entry = {"number": charge["number"], "billing_system_customer_identifier": charge["billing_system_customer_identifier"]}
        if reference is not None:
            entry["reference_number"] = reference
        return entry

    call("acknowledge, one applied and two refused", "POST", BASE + "netflix/charges/acknowledge",
         {"token": token, "acknowledged_charges_set": [
             item(pending[0], mode + "-ACK-1"),
             {"number": "NOPE", "billing_system_customer_identifier": "x", "reference_number": None},
             {"number": pending[1]["number"], "billing_system_customer_identifier": "someone else"}]})
    call("acknowledge, empty set", "POST", BASE + "netflix/charges/acknowledge", {"token": token, "acknowledged_charges_set": []})
    call("acknowledge, 51 items", "POST", BASE + "netflix/charges/acknowledge",
         {"token": token, "acknowledged_charges_set": [item(pending[0])] * 51})
    call("acknowledge, a malformed item", "POST", BASE + "netflix/charges/acknowledge",
         {"token": token, "acknowledged_charges_set": [{"number": pending[0]["number"]}]})
    call("accept", "POST", BASE + "netflix/charges/accept", {"token": token, "accepted_charges_set": [item(pending[2])]})
    call("decline", "POST", BASE + "netflix/charges/decline",
         {"token": token, "declined_charges_set": [item(pending[3], mode + "-DEC-1"), item(pending[2])]})
    call("decline without a token", "POST", BASE + "netflix/charges/decline", {"declined_charges_set": [item(pending[3])]})

    call("healthz", "GET", "/healthz")
    call("readyz", "GET", "/readyz")
    call("metrics", "GET", "/metrics")
    call("an unknown path", "GET", BASE + "netflix/charges/everything")
    call("a wrong method", "DELETE", BASE + "netflix/charges/list")
    call("a body over the limit", "POST", BASE + "netflix/charges/acknowledge", b"{" + b" " * 70000 + b"}")
    call("headers over the limit", "GET", "/healthz", headers={"X-Filler": "x" * 20000})
    call("a Transfer-Encoding other than chunked", "POST", BASE + "netflix/charges/decline",
         raw=("POST " + BASE + "netflix/charges/decline HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
              "Transfer-Encoding: gzip\r\n\r\n").encode())

    release = call("release", "POST", BASE + "authentication/token/release", {"token": token})
    call("release again", "POST", BASE + "authentication/token/release", {"token": token})

    # What each mode must have answered, beyond matching the description.
    expected = {
        "login, wrong password": 401 if strict else 200,
        "key login without Authorization": 401,
        "list, number_of_results 51": 400 if strict else 200,
        "an unknown path": 404, "a wrong method": 405, "a body over the limit": 413,
        "headers over the limit": 431, "a Transfer-Encoding other than chunked": 400,
    }
    for name, status in expected.items():
        if answered[name][0] != status:
            fail(mode + ": " + name + ": status " + str(answered[name][0]) + ", expected " + str(status))
    if release is None or release["status"]["code"] != "OK":
        fail(mode + ": release did not succeed")
    return len(answered)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cli", required=True)
    parser.add_argument("--openapi", required=True)
    args = parser.parse_args()
    d = Description(args.openapi)
    jsonschema.Draft202012Validator.check_schema({"$ref": "#/components/schemas/Error"})
    with tempfile.TemporaryDirectory() as folder:
        calls = 0
        for strict in (False, True):
            server = Server(args.cli, folder, strict)
            try:
                calls += run(d, server, strict) or 0
            finally:
                server.stop()
    print("%d calls checked against %s in both modes: %d failure(s)" % (calls, args.openapi, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
