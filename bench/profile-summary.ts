/**
 * Where a V8 CPU profile spends its time, as text: self time by package and by function, and
 * the total (inclusive) time under the functions that matter for a request.
 *
 *   BENCH_PROFILE_DIR=/tmp/prof npm run bench:gateway     # one .cpuprofile per service
 *   node dist/bench/profile-summary.js /tmp/prof/CPU.*.cpuprofile
 *
 * The same files open as flame graphs in Chrome DevTools (Performance, "Load profile") or in
 * https://www.speedscope.app; this summary is for notes and for machines without a browser.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const CallFrame = z.object({
  functionName: z.string(),
  url: z.string(),
  lineNumber: z.number(),
});
const ProfileNode = z.object({
  id: z.number(),
  callFrame: CallFrame,
  children: z.array(z.number()).optional(),
});
const Profile = z.object({
  nodes: z.array(ProfileNode),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
  startTime: z.number(),
  endTime: z.number(),
});
type ProfileNode = z.infer<typeof ProfileNode>;

const TOP = Number(process.env.PROFILE_TOP ?? 25);
/**
 * Only the busiest PROFILE_WINDOW_S seconds (default 10): a service's profile runs from its
 * start-up to its stop, and only the part under load is about requests.
 */
const WINDOW_US = Number(process.env.PROFILE_WINDOW_S ?? 10) * 1e6;
/** Samples before this many seconds are left out (start-up can be busier than the load). */
const SKIP_US = Number(process.env.PROFILE_SKIP_S ?? 0) * 1e6;

/** node_modules/<package> (scoped too), dist/<app or lib>, node:internal, or the V8 tag. */
function packageOf(url: string, name: string): string {
  if (url === '') return `(${name || 'native'})`;
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules?.[1]) return modules[1];
  const own = /dist\/((?:apps|libs|bench|infra)\/[^/]+)/.exec(url);
  if (own?.[1]) return own[1];
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0] ?? ''}`;
  return url;
}

function frameOf(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, '');
  return `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
}

function table(title: string, rows: Map<string, number>, total: number): string {
  const lines = [...rows.entries()]
    .toSorted((a, b) => b[1] - a[1])
    .slice(0, TOP)
    .map(([key, us]) => `  ${((100 * us) / total).toFixed(1).padStart(5)} %  ${key}`);
  return [title, ...lines].join('\n');
}

for (const file of process.argv.slice(2)) {
  const profile = Profile.parse(JSON.parse(readFileSync(file, 'utf8')));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const isIdle = (id: number) => byId.get(id)?.callFrame.functionName === '(idle)';
  const times: number[] = [];
  let clock = 0;
  for (const delta of profile.timeDeltas) times.push((clock += delta));
  // Two pointers over the samples: the window of WINDOW_US with the most busy time.
  let best = { from: 0, to: 0, busy: -1 };
  let busyInWindow = 0;
  const first = times.findIndex((at) => at >= SKIP_US);
  for (let from = Math.max(0, first), to = from; to < profile.samples.length; to += 1) {
    if (!isIdle(profile.samples[to] ?? 0)) busyInWindow += profile.timeDeltas[to] ?? 0;
    while ((times[to] ?? 0) - (times[from] ?? 0) > WINDOW_US) {
      if (!isIdle(profile.samples[from] ?? 0)) busyInWindow -= profile.timeDeltas[from] ?? 0;
      from += 1;
    }
    if (busyInWindow > best.busy) best = { from, to: to + 1, busy: busyInWindow };
  }
  const self = new Map<number, number>();
  for (let index = best.from; index < best.to; index += 1) {
    const id = profile.samples[index] ?? 0;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
  }
  const total = [...self.values()].reduce((sum, us) => sum + us, 0);
  const idle = [...self.entries()]
    .filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)')
    .reduce((sum, [, us]) => sum + us, 0);
  const busy = total - idle;

  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, us] of self) {
    const node = byId.get(id);
    if (!node || node.callFrame.functionName === '(idle)') continue;
    const pkg = packageOf(node.callFrame.url, node.callFrame.functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
    const frame = frameOf(node);
    byFunction.set(frame, (byFunction.get(frame) ?? 0) + us);
    // Inclusive time per package: count a sample once for each package on its stack.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frameNode = byId.get(at);
      if (!frameNode) break;
      const key = packageOf(frameNode.callFrame.url, frameNode.callFrame.functionName);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
  }
  console.log(
    [
      `${file}: the busiest ${(total / 1e6).toFixed(1)} s, ${((100 * busy) / total).toFixed(0)} % busy`,
      table('self time by package (% of busy)', byPackage, busy),
      table('inclusive time by package (% of busy)', inclusive, busy),
      table('self time by function (% of busy)', byFunction, busy),
      '',
    ].join('\n\n'),
  );
}
