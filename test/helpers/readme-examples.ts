// The README's code blocks and what each one is: every block that is not data (json, ts,
// mermaid, yaml) carries a marker comment on the line before it, so a new shell example
// cannot slip in untested. test/e2e/readme-examples.test.ts runs the runnable ones.
//
//   <!-- example: run -->                 runs as written, in order, from the root of a fresh clone; exit 0
//   <!-- example: run exit=1 -->          the same, and the documented exit code is 1
//   <!-- example: start -->               a long-running command (the sandbox): started in the background,
//                                         its `export …` lines apply to later blocks, stopped with Ctrl-C
//   <!-- example: needs sam docker account -->  not run here: needs the SAM CLI, Docker or an AWS account
//   <!-- example: synopsis -->            a usage line with placeholders (<…> or […]), not a command
//   <!-- example: output -->              what a command prints, or a format

export type ExampleKind = 'run' | 'start' | 'needs' | 'synopsis' | 'output';

/** What a block needs that no machine of ours has (and that nothing else may excuse). */
export const UNAVAILABLE = ['sam', 'docker', 'account'] as const;

export interface ReadmeBlock {
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  body: string;
  kind: ExampleKind;
  /** The exit code a `run` block must end with. */
  exit: number;
  needs: string[];
}

const DATA_LANGUAGES = new Set(['json', 'ts', 'mermaid', 'yaml']);
const MARKER = /^<!-- example: (\w+)((?: [\w=-]+)*) -->$/;

/**
 * Every non-data code block of a Markdown text with its marker.
 * @throws Error listing every block without a valid marker, and every marker without a block.
 */
export function readmeBlocks(markdown: string): ReadmeBlock[] {
  const lines = markdown.split('\n');
  const blocks: ReadmeBlock[] = [];
  const problems: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.startsWith('<!-- example:') && !(lines[i + 1] ?? '').startsWith('```'))
      problems.push(`line ${i + 1}: a marker must stand right before a code block`);
    const fence = /^```(\S*)$/.exec(line);
    if (fence === null) continue;
    const end = lines.findIndex((l, j) => j > i && l === '```');
    if (end < 0) {
      problems.push(`line ${i + 1}: code block never closed`);
      break;
    }
    const lang = fence[1] ?? '';
    const body = lines.slice(i + 1, end).join('\n');
    const at = i;
    i = end;
    if (DATA_LANGUAGES.has(lang)) continue;
    const parsed = parseMarker(lines[at - 1] ?? '', lang, body);
    if (typeof parsed === 'string') problems.push(`line ${at + 1} (\`\`\`${lang}): ${parsed}`);
    else blocks.push({ line: at + 1, lang, body, ...parsed });
  }
  if (problems.length > 0) throw new Error(`README code blocks:\n${problems.join('\n')}`);
  return blocks;
}

function parseMarker(
  line: string,
  lang: string,
  body: string,
): Pick<ReadmeBlock, 'kind' | 'exit' | 'needs'> | string {
  const match = MARKER.exec(line);
  if (match === null)
    return 'no marker: put <!-- example: run|start|needs …|synopsis|output --> on the line before it';
  const kind = match[1] ?? '';
  const words = (match[2] ?? '').split(' ').filter((w) => w !== '');
  switch (kind) {
    case 'run': {
      if (lang !== 'sh') return 'a runnable example is a ```sh block';
      const exit =
        words.length === 1 ? /^exit=(\d+)$/.exec(words[0] ?? '')?.[1] : words.length === 0 ? '0' : undefined;
      if (exit === undefined) return `"run" takes only exit=N, not "${words.join(' ')}"`;
      return { kind, exit: Number(exit), needs: [] };
    }
    case 'start':
      if (lang !== 'sh' || words.length > 0) return '"start" is a bare marker on a ```sh block';
      return { kind, exit: 0, needs: [] };
    case 'needs': {
      const unknown = words.filter((w) => !(UNAVAILABLE as readonly string[]).includes(w));
      if (words.length === 0 || unknown.length > 0)
        return `"needs" names only ${UNAVAILABLE.join(', ')} (not "${unknown.join(' ')}"); anything else must run`;
      return { kind, exit: 0, needs: words };
    }
    case 'synopsis':
      if (!/<[^>\s][^>]*>|\[[^\]]+\]/.test(body))
        return 'a synopsis has placeholders (<…> or […]); without them it is an example: mark it run';
      return { kind, exit: 0, needs: [] };
    case 'output':
      return { kind, exit: 0, needs: [] };
    default:
      return `unknown marker "${kind}"`;
  }
}
