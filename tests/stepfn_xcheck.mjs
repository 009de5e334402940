// stepfn_xcheck.mjs - cross-check lambdasim's ASL interpreter against
// aws-local-stepfunctions (an independent JavaScript implementation).
//
// Usage: node tests/stepfn_xcheck.mjs TOOLS_DIR LAMBDASIM CASE_DIR...
// For each case it runs the definition with both implementations, Lambda
// tasks mocked the same way (mocks.json by Resource; a list is consumed one
// entry per call, the last repeating; "duration_s" makes the JS handler
// really sleep), and compares status, output, error, cause and transitions.  Wait states
// and retry intervals are overridden to 0 ms on the JS side (it sleeps in
// real time; our clock is virtual, so timing is checked by the C suite).
// Billable transitions are compared too: their StateEntered + StateRetried
// events against our count.
// Prints "XCHECK ok <case>" or "XCHECK FAIL <case>: ..." per case.
import { execFileSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

// aws-local-stepfunctions 3 uses Promise.withResolvers (Node >= 22).
if (!Promise.withResolvers) {
  Promise.withResolvers = function () {
    let resolve, reject;
    const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
  };
}

const [toolsDir, lambdasim, ...caseDirs] = process.argv.slice(2);
const mod = await import(pathToFileURL(join(toolsDir, 'node_modules/aws-local-stepfunctions/build/main.node.esm.js')).href);
const { StateMachine } = mod;

function deepEqual(a, b) {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (typeof a === 'object') {
    const ka = Object.keys(a), kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

// Every state (any depth) by type, to set up handlers and overrides.
function walk(scope, visit) {
  for (const [name, st] of Object.entries(scope.States)) {
    visit(name, st);
    if (st.Type === 'Parallel') st.Branches.forEach((b) => walk(b, visit));
    if (st.Type === 'Map') walk(st.ItemProcessor ?? st.Iterator, visit);
  }
}

let failures = 0;
for (const dir of caseDirs) {
  const name = dir.split('/').filter(Boolean).pop();
  // A case may document a known divergence of the JS implementation.
  if (existsSync(join(dir, 'xcheck.skip'))) {
    console.log(`XCHECK skip ${name}: ${readFileSync(join(dir, 'xcheck.skip'), 'utf8').trim()}`);
    continue;
  }
  const defPath = existsSync(join(dir, 'definition.ref'))
    ? readFileSync(join(dir, 'definition.ref'), 'utf8').trim()
    : join(dir, 'definition.asl.json');
  const definition = JSON.parse(readFileSync(defPath, 'utf8'));
  const input = JSON.parse(readFileSync(join(dir, 'input.json'), 'utf8'));
  const mocksPath = join(dir, 'mocks.json');
  const mocks = existsSync(mocksPath) ? JSON.parse(readFileSync(mocksPath, 'utf8')) : null;

  // Ours, through the command line exactly as a user runs it.
  const args = ['stepfn', 'run', '--definition', defPath, '--input', '@' + join(dir, 'input.json'), '--format', 'json'];
  if (mocks) args.push('--mocks', mocksPath);
  const ours = JSON.parse(execFileSync(lambdasim, args, { encoding: 'utf8' }));

  // Theirs.
  const calls = {};
  const handlers = {}, waits = {}, retries = {};
  walk(definition, (sname, st) => {
    if (st.Type === 'Task') {
      handlers[sname] = async (taskInput) => {
        if (!mocks) return taskInput;
        let m = mocks[st.Resource];
        if (Array.isArray(m)) {
          const k = calls[st.Resource] ?? 0;
          calls[st.Resource] = k + 1;
          m = m[Math.min(k, m.length - 1)];
        }
        if (m.duration_s) await new Promise((r) => setTimeout(r, m.duration_s * 1000));
        if ('error' in m) {
          const e = new Error(m.cause ?? '');
          e.name = m.error;
          throw e;
        }
        return m.result;
      };
    }
    if (st.Type === 'Wait') waits[sname] = 0;
    if (st.Retry) retries[sname] = 0;
  });
  const sm = new StateMachine(definition, { validationOptions: { checkPaths: true, checkArn: false } });
  let theirs;
  const exec = sm.run(input, {
    overrides: { taskResourceLocalHandlers: handlers, waitTimeOverrides: waits, retryIntervalOverrides: retries },
  });
  try {
    const output = await exec.result;
    theirs = { status: 'SUCCEEDED', output, error: null, cause: null };
  } catch (err) {
    const c = err.cause ?? err;
    theirs = { status: 'FAILED', output: null, error: c.name, cause: c.message };
  }
  // Billable transitions as AWS counts them: states entered + retries.
  theirs.transitions = 0;
  for await (const ev of exec.eventLogs)
    if (ev.type === 'StateEntered' || ev.type === 'StateRetried') theirs.transitions++;

  const diffs = [];
  if (ours.status !== theirs.status) diffs.push(`status ${ours.status} vs ${theirs.status}`);
  if (!deepEqual(ours.output, theirs.output))
    diffs.push(`output ${JSON.stringify(ours.output)} vs ${JSON.stringify(theirs.output)}`);
  if (ours.error !== theirs.error) diffs.push(`error ${ours.error} vs ${theirs.error}`);
  const tskip = join(dir, 'xcheck.transitions.skip');
  if (existsSync(tskip))
    console.log(`XCHECK note ${name}: transitions not compared: ${readFileSync(tskip, 'utf8').trim()}`);
  else if (ours.transitions !== theirs.transitions)
    diffs.push(`transitions ${ours.transitions} vs ${theirs.transitions}`);
  // Causes of the interpreter's own errors (States.Runtime, ...) are free
  // text in both; user-given causes (mocks, Fail states) must match.
  if (ours.error && !ours.error.startsWith('States.') && ours.cause !== theirs.cause)
    diffs.push(`cause ${ours.cause} vs ${theirs.cause}`);
  if (diffs.length) {
    failures++;
    console.log(`XCHECK FAIL ${name}: ${diffs.join('; ')}`);
  } else {
    console.log(`XCHECK ok ${name}`);
  }
}
process.exit(failures ? 1 : 0);
