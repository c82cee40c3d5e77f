// peer.mjs — what every peer script shares: one JSON request on stdin, one JSON line on stdout (exit 0), a usage
// error (exit 2) or an internal error (exit 1) with its message on stderr.
export class UsageError extends Error {}

export const need = (o, k) => {
  if (o[k] === undefined || o[k] === null || o[k] === '') throw new UsageError(`missing field "${k}"`);
  return o[k];
};

/** Reads the request, runs commands[req.cmd], writes its result with the extra fields (e.g. the SDK's version). */
export async function runPeer(commands, extra) {
  try {
    let input = '';
    for await (const chunk of process.stdin) input += chunk;
    let req;
    try { req = JSON.parse(input); } catch (e) { throw new UsageError(`stdin is not JSON: ${e.message}`); }
    const command = commands[req.cmd];
    if (!command) throw new UsageError(`unknown cmd "${req.cmd}"; known: ${Object.keys(commands).join(', ')}`);
    const result = await command(req);
    process.stdout.write(JSON.stringify({ ...result, ...extra }) + '\n');
  } catch (e) {
    process.stderr.write((e instanceof UsageError ? 'usage: ' : 'error: ') + (e.stack || e.message) + (e.code ? ` (code ${e.code})` : '') + '\n');
    process.exit(e instanceof UsageError ? 2 : 1);
  }
}
