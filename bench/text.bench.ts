// Reply text rendering (outbound/text renderReply: Markdown → WhatsApp, prefix, chunks) on inputs of the largest
// size message.send takes (100,000 characters): ordinary Markdown, and lines built to make a backtracking regex
// retry from every marker. Target: every input under 50 ms, i.e. linear time, so a long or odd reply never stalls
// the gateway's event loop. Prints medians; no pass/fail.
import { renderReply } from '../src/gateway/outbound/text';

const SIZE = 100_000;
const fill = (unit: string): string => unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE);

const inputs: Record<string, string> = {
  'prose with bold, links, code': fill(
    'Some **bold** words, ~~old~~ and a [link](https://example.com/a_(b)) with `code`.\n\n',
  ),
  'fenced code blocks': fill('```ts\nconst a = **b**;\n\nlet c = 1;\n```\n\n'),
  'a table': `| a | b |\n|---|---|\n${fill('| x **y** | [z](https://q.test) |\n')}`,
  'one line of unpaired **': fill('**a '),
  'one line of unpaired __': fill(' __a'),
  'one line of unpaired [': fill('['),
  'one line of [a]( openers': fill('[a]('),
  'one line of <http:// openers': fill('<http://'),
  'one unbroken word': fill('x'),
  'emoji with skin tones': fill('👍🏽'),
};

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

let worst = 0;
for (const [name, text] of Object.entries(inputs)) {
  const times: number[] = [];
  let chunks = 0;
  for (let i = 0; i < 7; i++) {
    const start = performance.now();
    chunks = renderReply(text, {
      limit: 4000,
      mode: i % 2 ? 'newline' : 'length',
      prefix: '[openclaw]',
    }).length;
    times.push(performance.now() - start);
  }
  const ms = median(times);
  worst = Math.max(worst, ms);
  console.log(
    `${name.padEnd(32)} ${String(text.length).padStart(7)} chars → ${chunks} messages, median ${ms.toFixed(1)} ms`,
  );
}
console.log(
  `slowest input: ${worst.toFixed(1)} ms (target < 50 ms for ${SIZE.toLocaleString('en')} characters)`,
);
