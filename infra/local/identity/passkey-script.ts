// The one script of the sign-in pages: the passkey button. The options come from the provider, the
// browser asks the authenticator, the provider checks the answer and says where to go next.
export const passkeyScript = `(() => {
  const button = document.getElementById('passkey');
  const status = document.getElementById('passkey-status');
  if (!button || !status) return;
  const fromB64 = (text) => Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(text.length / 4) * 4, '=')), (c) => c.charCodeAt(0));
  const toB64 = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer))).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
  button.addEventListener('click', async () => {
    if (!window.PublicKeyCredential) { status.textContent = button.dataset.unsupported; return; }
    const interaction = button.dataset.interaction;
    status.textContent = '';
    try {
      const optionsReply = await fetch('/login/passkey/options', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ interaction }) });
      const options = await optionsReply.json();
      if (!optionsReply.ok) { status.textContent = options.message || button.dataset.failed; return; }
      const credential = await navigator.credentials.get({ publicKey: {
        challenge: fromB64(options.challenge), rpId: options.rpId, timeout: options.timeout,
        userVerification: options.userVerification, allowCredentials: [] } });
      const response = credential.response;
      const body = { interaction, credential: { id: credential.id, rawId: toB64(credential.rawId), type: credential.type,
        authenticatorAttachment: credential.authenticatorAttachment || undefined, clientExtensionResults: credential.getClientExtensionResults(),
        response: { clientDataJSON: toB64(response.clientDataJSON), authenticatorData: toB64(response.authenticatorData),
          signature: toB64(response.signature), userHandle: response.userHandle ? toB64(response.userHandle) : undefined } } };
      const reply = await fetch('/login/passkey', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const result = await reply.json();
      if (reply.ok && result.redirect) { window.location.assign(result.redirect); return; }
      status.textContent = result.message || button.dataset.failed;
    } catch {
      status.textContent = button.dataset.failed;
    }
  });
})();
`;
