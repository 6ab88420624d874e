/**
 * A software WebAuthn authenticator for Node: it stands behind `navigator.credentials`
 * as a browser with a platform passkey provider would, so the official `passkeyClient`
 * (through @simplewebauthn/browser) runs unchanged. ES256 keys, "none" attestation,
 * discoverable credentials; `excludeCredentials` hits throw InvalidStateError and a
 * request it holds no credential for throws NotAllowedError, as browsers do.
 *
 *   const device = new SoftAuthenticator("http://127.0.0.1:5000");
 *   device.install();               // globalThis.navigator.credentials, PublicKeyCredential
 *   device.credentials              // [{id, rpId, privateKeyPem, userHandle, signCount}]
 */
import { createHash, generateKeyPairSync, randomBytes, sign } from "node:crypto";

const b64url = (buf) => Buffer.from(buf).toString("base64url");

/** A minimal CBOR encoder: unsigned/negative integers, byte and text strings, maps. */
export function cbor(value) {
  const head = (major, n) => {
    if (n < 24) return Buffer.from([(major << 5) | n]);
    if (n < 256) return Buffer.from([(major << 5) | 24, n]);
    if (n < 65536) return Buffer.from([(major << 5) | 25, n >> 8, n & 255]);
    const out = Buffer.alloc(5);
    out[0] = (major << 5) | 26;
    out.writeUInt32BE(n, 1);
    return out;
  };
  if (typeof value === "number") return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === "string") {
    const text = Buffer.from(value, "utf8");
    return Buffer.concat([head(3, text.length), text]);
  }
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), value]);
  if (value instanceof Map) {
    const parts = [head(5, value.size)];
    for (const [k, v] of value) parts.push(cbor(k), cbor(v));
    return Buffer.concat(parts);
  }
  throw new TypeError(`cannot encode ${typeof value}`);
}

const toBuffer = (source) =>
  Buffer.from(source instanceof ArrayBuffer ? new Uint8Array(source) : new Uint8Array(source.buffer, source.byteOffset, source.byteLength));
const arrayBuffer = (buf) => buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);

function domError(name, message) {
  const error = new Error(message);
  error.name = name;
  return error;
}

export class SoftAuthenticator {
  /** @param origin the page origin written into clientDataJSON */
  constructor(origin, { aaguid = "00000000000000000000000000000000" } = {}) {
    this.origin = origin;
    this.aaguid = Buffer.from(aaguid, "hex");
    this.credentials = [];
    this.calls = [];
  }

  install() {
    globalThis.PublicKeyCredential = class PublicKeyCredential {
      static async isConditionalMediationAvailable() {
        return false;
      }
    };
    const device = this;
    const credentials = {
      create: (options) => device.create(options.publicKey),
      get: (options) => device.get(options.publicKey),
    };
    Object.defineProperty(globalThis, "navigator", { value: { credentials }, configurable: true, writable: true });
  }

  authData(rpId, flags, count, attested = Buffer.alloc(0)) {
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(count, 0);
    const rpHash = createHash("sha256").update(rpId).digest();
    return Buffer.concat([rpHash, Buffer.from([flags]), counter, attested]);
  }

  clientData(type, challenge) {
    const data = { type, challenge: b64url(toBuffer(challenge)), origin: this.origin, crossOrigin: false };
    return Buffer.from(JSON.stringify(data));
  }

  async create(publicKey) {
    this.calls.push("create");
    const rpId = publicKey.rp.id;
    for (const excluded of publicKey.excludeCredentials ?? []) {
      const id = b64url(toBuffer(excluded.id));
      if (this.credentials.some((c) => c.id === id && c.rpId === rpId)) {
        throw domError("InvalidStateError", "The authenticator already holds this credential");
      }
    }
    const { privateKey, publicKey: pub } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const jwk = pub.export({ format: "jwk" });
    const coseKey = cbor(
      new Map([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, Buffer.from(jwk.x, "base64url")],
        [-3, Buffer.from(jwk.y, "base64url")],
      ]),
    );
    const rawId = randomBytes(32);
    const idLength = Buffer.from([rawId.length >> 8, rawId.length & 255]);
    const attested = Buffer.concat([this.aaguid, idLength, rawId, coseKey]);
    const authData = this.authData(rpId, 0x01 | 0x04 | 0x08 | 0x10 | 0x40, 0, attested);
    const attestationObject = cbor(
      new Map([
        ["fmt", "none"],
        ["attStmt", new Map()],
        ["authData", authData],
      ]),
    );
    const clientDataJSON = this.clientData("webauthn.create", publicKey.challenge);
    const credential = {
      id: b64url(rawId),
      rpId,
      userHandle: b64url(toBuffer(publicKey.user.id)),
      privateKeyPem: privateKey.export({ format: "pem", type: "pkcs8" }),
      signCount: 0,
    };
    this.credentials.push(credential);
    const spki = pub.export({ format: "der", type: "spki" });
    return {
      id: credential.id,
      rawId: arrayBuffer(rawId),
      type: "public-key",
      authenticatorAttachment: "platform",
      getClientExtensionResults: () => ({ credProps: { rk: true } }),
      response: {
        clientDataJSON: arrayBuffer(clientDataJSON),
        attestationObject: arrayBuffer(attestationObject),
        getTransports: () => ["hybrid", "internal"],
        getPublicKeyAlgorithm: () => -7,
        getPublicKey: () => arrayBuffer(spki),
        getAuthenticatorData: () => arrayBuffer(authData),
      },
    };
  }

  async get(publicKey) {
    this.calls.push("get");
    const allowed = (publicKey.allowCredentials ?? []).map((c) => b64url(toBuffer(c.id)));
    const credential = this.credentials.find(
      (c) => c.rpId === publicKey.rpId && (allowed.length === 0 || allowed.includes(c.id)),
    );
    if (!credential) throw domError("NotAllowedError", "No passkey for this site");
    credential.signCount += 1;
    const authData = this.authData(publicKey.rpId, 0x01 | 0x04 | 0x08 | 0x10, credential.signCount);
    const clientDataJSON = this.clientData("webauthn.get", publicKey.challenge);
    const signed = Buffer.concat([authData, createHash("sha256").update(clientDataJSON).digest()]);
    const signature = sign("sha256", signed, credential.privateKeyPem);
    return {
      id: credential.id,
      rawId: arrayBuffer(Buffer.from(credential.id, "base64url")),
      type: "public-key",
      authenticatorAttachment: "platform",
      getClientExtensionResults: () => ({}),
      response: {
        clientDataJSON: arrayBuffer(clientDataJSON),
        authenticatorData: arrayBuffer(authData),
        signature: arrayBuffer(signature),
        userHandle: arrayBuffer(Buffer.from(credential.userHandle, "base64url")),
      },
    };
  }
}
