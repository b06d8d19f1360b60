"""jwcrypto and joserfc side of JWEInteropTests: reads one JSON request on stdin, writes one JSON answer on stdout.

Commands:
  decrypt  {"cases": [{"id", "lib", "jwk", "alg", "enc", "token"}]}
           -> {"results": [{"id", "ok", "error", "header", "plaintext"}]}
           The library decrypts the token with the private JWK, allowing only the case's alg and enc;
           the plaintext comes back base64url-encoded.
  encrypt  {"cases": [{"id", "lib", "jwk", "alg", "enc", "cty"?, "plaintext"}]}
           -> {"results": [{"id", "ok", "error", "token"}]}
           The library encrypts the base64url-decoded plaintext to the public JWK.
Errors are reported per case ("ok": false) as the exception's class and message; never a key.
"""

import base64
import json
import sys

from jwcrypto import jwe as jwcrypto_jwe
from jwcrypto import jwk as jwcrypto_jwk
from joserfc import jwe as joserfc_jwe
from joserfc.jwk import JWKRegistry


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def decrypt_case(case):
    token, alg, enc = case["token"], case["alg"], case["enc"]
    if case["lib"] == "jwcrypto":
        key = jwcrypto_jwk.JWK(**case["jwk"])
        message = jwcrypto_jwe.JWE(algs=[alg, enc])
        message.deserialize(token, key=key)
        return json.loads(message.objects["protected"]), message.payload
    key = JWKRegistry.import_key(case["jwk"])
    message = joserfc_jwe.decrypt_compact(token, key, algorithms=[alg, enc])
    return dict(message.protected), message.plaintext


def encrypt_case(case):
    alg, enc = case["alg"], case["enc"]
    plaintext = b64url_decode(case["plaintext"])
    header = {"alg": alg, "enc": enc}
    if case.get("cty"):
        header["cty"] = case["cty"]
    if case["jwk"].get("kid"):
        header["kid"] = case["jwk"]["kid"]
    if case["lib"] == "jwcrypto":
        key = jwcrypto_jwk.JWK(**case["jwk"])
        message = jwcrypto_jwe.JWE(plaintext, protected=json.dumps(header), algs=[alg, enc])
        message.add_recipient(key)
        return message.serialize(compact=True)
    key = JWKRegistry.import_key(case["jwk"])
    return joserfc_jwe.encrypt_compact(header, plaintext, key, algorithms=[alg, enc])


def main():
    request = json.load(sys.stdin)
    results = []
    for case in request["cases"]:
        result = {"id": case["id"], "ok": False, "error": None}
        try:
            if request["command"] == "decrypt":
                header, plaintext = decrypt_case(case)
                result.update(ok=True, header=header, plaintext=b64url(plaintext))
            else:
                result.update(ok=True, token=encrypt_case(case))
        except Exception as error:  # reported to the Swift test, which fails on it
            result["error"] = f"{type(error).__name__}: {error}"
        results.append(result)
    json.dump({"results": results}, sys.stdout)


if __name__ == "__main__":
    main()
