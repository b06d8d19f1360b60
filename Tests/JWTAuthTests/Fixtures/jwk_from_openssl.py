"""Reads `openssl pkey -text -noout` on standard input; prints the private JWK with its RFC 7638
thumbprint as `kid` (computed here, independently of JWTAuth)."""
import base64, hashlib, json, re, sys

text = sys.stdin.read()


def field(name):
    match = re.search(r"^" + re.escape(name) + r":\s*\n((?:\s+[0-9a-f:]+\n)+)", text, re.M)
    return bytes.fromhex(re.sub(r"[\s:]", "", match.group(1)))


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def minimal(data):
    return data.lstrip(b"\0") or b"\0"


if "RSA Private-Key" in text or "Private-Key: (2048 bit, 2 primes)" in text:
    exponent = int(re.search(r"publicExponent: (\d+)", text).group(1))
    jwk = {"kty": "RSA", "n": b64(minimal(field("modulus"))), "e": b64(exponent.to_bytes((exponent.bit_length() + 7) // 8, "big"))}
    for member, name in [("d", "privateExponent"), ("p", "prime1"), ("q", "prime2"), ("dp", "exponent1"), ("dq", "exponent2"), ("qi", "coefficient")]:
        jwk[member] = b64(minimal(field(name)))
    required = ["e", "kty", "n"]
elif "ED25519 Private-Key" in text:
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": b64(field("pub")), "d": b64(field("priv"))}
    required = ["crv", "kty", "x"]
else:
    curve = {"prime256v1": ("P-256", 32), "secp384r1": ("P-384", 48), "secp521r1": ("P-521", 66)}[re.search(r"ASN1 OID: (\S+)", text).group(1)]
    point = field("pub")
    assert point[0] == 4
    size = curve[1]
    jwk = {"kty": "EC", "crv": curve[0], "x": b64(point[1:1 + size]), "y": b64(point[1 + size:]), "d": b64(minimal(field("priv")).rjust(size, b"\0"))}
    required = ["crv", "kty", "x", "y"]

canonical = json.dumps({name: jwk[name] for name in required}, separators=(",", ":"), sort_keys=True)
jwk["kid"] = b64(hashlib.sha256(canonical.encode()).digest())
print(json.dumps(jwk, indent=2, sort_keys=True))
