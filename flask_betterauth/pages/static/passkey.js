// Passkeys on the ready-made pages (the passkey plugin): "Add a passkey" on the account
// page, "Sign in with a passkey" on the sign-in page, and passkeys offered in the email
// field's autofill (conditional mediation) where the browser supports it. It calls the
// auth API (the same endpoints as Better Auth's passkeyClient) and the browser's WebAuthn.
(() => {
  "use strict";

  const WORDS = {
    PASSKEY_NOT_FOUND: "This passkey is not known here. Sign in another way.",
    AUTHENTICATION_FAILED: "That passkey could not be checked. Try again.",
    FAILED_TO_VERIFY_REGISTRATION: "The new passkey could not be checked. Try again.",
    CHALLENGE_NOT_FOUND: "This took too long. Try again.",
    SESSION_NOT_FRESH: "Sign out and sign in again to add a passkey.",
    UNAUTHORIZED: "Sign in again to add a passkey.",
    InvalidStateError: "This device already holds a passkey for your account.",
    NotAllowedError: "No passkey was used. Try again, or sign in another way.",
    NotSupported: "This browser cannot use passkeys.",
  };

  const toBuffer = (text) => {
    const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0)).buffer;
  };
  const fromBuffer = (buffer) => {
    let text = "";
    for (const byte of new Uint8Array(buffer)) text += String.fromCharCode(byte);
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  };
  const descriptors = (list) => (list || []).map((c) => ({ ...c, id: toBuffer(c.id) }));

  /** The credential in the JSON form the verify endpoints take (toJSON() where known). */
  function credentialJSON(credential) {
    if (typeof credential.toJSON === "function") {
      const json = credential.toJSON();
      delete json.clientExtensionResults;
      return json;
    }
    const r = credential.response;
    const response = { clientDataJSON: fromBuffer(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = fromBuffer(r.attestationObject);
      response.transports = typeof r.getTransports === "function" ? r.getTransports() : [];
    } else {
      response.authenticatorData = fromBuffer(r.authenticatorData);
      response.signature = fromBuffer(r.signature);
      if (r.userHandle) response.userHandle = fromBuffer(r.userHandle);
    }
    return {
      id: credential.id,
      rawId: fromBuffer(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      response,
    };
  }

  async function api(base, path, body) {
    const init = { credentials: "same-origin", headers: { Accept: "application/json" } };
    if (body !== undefined) {
      init.method = "POST";
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const answer = await fetch(base + path, init);
    const data = await answer.json().catch(() => null);
    if (!answer.ok) {
      const error = new Error((data && data.message) || answer.statusText);
      error.code = (data && data.code) || `HTTP_${answer.status}`;
      throw error;
    }
    return data;
  }

  function show(box, error) {
    const words = WORDS[error.code] || WORDS[error.name] || error.message || "Something went wrong.";
    box.textContent = words;
    box.hidden = false;
  }

  const supported = () => typeof window.PublicKeyCredential === "function";

  // -- the account page: add a passkey ------------------------------------------------------

  const addForm = document.getElementById("passkey-add");
  if (addForm) {
    addForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const box = document.getElementById("passkey-add-error");
      box.hidden = true;
      const base = addForm.dataset.api;
      const name = addForm.querySelector("#passkey-add-name").value.trim();
      try {
        if (!supported()) throw Object.assign(new Error(), { code: "NotSupported" });
        const query = name ? `?name=${encodeURIComponent(name)}` : "";
        const options = await api(base, `/passkey/generate-register-options${query}`);
        const credential = await navigator.credentials.create({
          publicKey: {
            ...options,
            challenge: toBuffer(options.challenge),
            user: { ...options.user, id: toBuffer(options.user.id) },
            excludeCredentials: descriptors(options.excludeCredentials),
          },
        });
        const body = { response: credentialJSON(credential) };
        if (name) body.name = name;
        await api(base, "/passkey/verify-registration", body);
        window.location.assign(addForm.dataset.done);
      } catch (error) {
        show(box, error);
      }
    });
  }

  // -- the sign-in page: sign in with a passkey, and autofill -----------------------------------

  const signIn = document.getElementById("passkey-sign-in");
  if (!signIn) return;
  const base = signIn.dataset.api;
  const box = document.getElementById("passkey-sign-in-error");
  let pending = null;

  async function ceremony(mediation, signal) {
    const options = await api(base, "/passkey/generate-authenticate-options");
    const request = {
      publicKey: {
        ...options,
        challenge: toBuffer(options.challenge),
        allowCredentials: descriptors(options.allowCredentials),
      },
      signal,
    };
    if (mediation) request.mediation = mediation;
    const credential = await navigator.credentials.get(request);
    await api(base, "/passkey/verify-authentication", { response: credentialJSON(credential) });
    window.location.assign(signIn.dataset.done);
  }

  document.getElementById("passkey-sign-in-button").addEventListener("click", async () => {
    box.hidden = true;
    if (pending) pending.abort();
    pending = null;
    try {
      if (!supported()) throw Object.assign(new Error(), { code: "NotSupported" });
      await ceremony(null, undefined);
    } catch (error) {
      show(box, error);
    }
  });

  // Autofill: wait for the user to pick a passkey in the email field's suggestions. The
  // browser's own refusals of the waiting request (an IP-address origin, no passkeys,
  // aborted) stay silent: only the server's answer after a pick is shown (its code is a
  // string; a DOMException's legacy numeric code, 18 for a SecurityError, is not).
  (async () => {
    if (!supported() || !PublicKeyCredential.isConditionalMediationAvailable) return;
    if (!(await PublicKeyCredential.isConditionalMediationAvailable())) return;
    pending = new AbortController();
    try {
      await ceremony("conditional", pending.signal);
    } catch (error) {
      if (typeof error.code === "string" && pending && !pending.signal.aborted) show(box, error);
    }
  })();
})();
