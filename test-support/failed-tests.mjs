// Prints each failed test of the given .trx files with the first lines of its message, so that the end of a CI log
// names what failed (the console logger's lines are far above, among the app's own log output).
import { readFileSync } from "node:fs";

const decode = (s) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'")
  .replace(/&#xD;/g, "").replace(/&#xA;/g, "\n").replace(/&amp;/g, "&");
for (const file of process.argv.slice(2)) {
  const trx = readFileSync(file, "utf8");
  // A result is either self-closing or carries its output (the error message) inside.
  for (const [result] of trx.matchAll(/<UnitTestResult [^>]*?(?:\/>|>[\s\S]*?<\/UnitTestResult>)/g)) {
    if (!/^<UnitTestResult [^>]*outcome="Failed"/.test(result)) continue;
    const name = decode(/testName="([^"]*)"/.exec(result)?.[1] ?? "?");
    const message = decode(/<Message>([\s\S]*?)<\/Message>/.exec(result)?.[1] ?? "").split("\n").slice(0, 12);
    console.log(`FAILED ${name}`);
    for (const line of message) console.log(`    ${line}`);
  }
}
