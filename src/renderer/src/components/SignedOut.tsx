// Shown instead of the app when the gateway refused this browser: only a fresh one-time link can sign it in. The
// gateway's own refusal message is meant for developers (it talks about tokens), so the card says what to do.
export function SignedOut() {
  return (
    <div className="signed-out" data-testid="signed-out">
      <div className="card">
        <h1>Not signed in</h1>
        <p>
          This browser is not signed in to OpenClaw, or its sign-in ended (a sign-in lasts until the gateway
          restarts, at most 7 days).
        </p>
        <p>
          To sign in, run <code>openclaw dashboard</code> in a terminal on the computer where the gateway
          runs, then open the link it prints in this browser. Or use the OpenClaw desktop app.
        </p>
      </div>
    </div>
  );
}
