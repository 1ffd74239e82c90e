/**
 * Maps JSON Pointers (the paths of compile problems, test mismatches and rules) to ranges of
 * the document's text, and back, with jsonc-parser's position-keeping parse tree. Problems
 * about a missing property point at the nearest enclosing node that exists; a whole object or
 * array is marked by its property name (or its opening line), not by a squiggle over 200 lines.
 *
 * @example
 *   const text = '{"rules": [{"id": "a", "when": true}]}';
 *   locatePointer(text, '/rules/0/when');   // { start: 30, end: 34, line: 1, exact: true }
 */
import { parseTree } from 'jsonc-parser';
import type { Node, ParseError } from 'jsonc-parser';

export interface TextRange {
  start: number;
  end: number;
  /** 1-based line of `start`. */
  line: number;
  /** False when the pointer's target is missing and an ancestor is marked instead. */
  exact: boolean;
}

/** RFC 6901 decoding: "/a~1b/0" → ["a/b", "0"]. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .replace(/^\//, '')
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function pointerOf(segments: Array<string | number>): string {
  return segments.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** 1-based line of an offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** A parse tree cache: the same text is parsed once however many pointers are located in it. */
export class JsonLocator {
  readonly root: Node | undefined;
  readonly errors: ParseError[] = [];
  private lineStarts: number[] | null = null;

  constructor(readonly text: string) {
    this.root = parseTree(text, this.errors, { allowTrailingComma: false, disallowComments: true });
  }

  line(offset: number): number {
    if (!this.lineStarts) {
      this.lineStarts = [0];
      for (let i = 0; i < this.text.length; i++) if (this.text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    }
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /** The text range of the node at a JSON Pointer (or of its nearest existing ancestor). */
  locate(pointer: string): TextRange | null {
    if (!this.root) return null;
    const segments = pointerSegments(pointer);
    let node: Node = this.root;
    let found = 0;
    for (const segment of segments) {
      const next = child(node, segment);
      if (!next) break;
      node = next;
      found++;
    }
    return this.rangeOf(node, found === segments.length);
  }

  private rangeOf(node: Node, exact: boolean): TextRange {
    const property = node.parent?.type === 'property' ? node.parent : null;
    let start = node.offset;
    let end = node.offset + node.length;
    if (node.type === 'object' || node.type === 'array') {
      // Mark the property name ("rules") or, for an array element, its opening bracket.
      if (property?.children?.[0]) {
        start = property.children[0].offset;
        end = start + property.children[0].length;
      } else {
        end = start + 1;
      }
    }
    return { start, end, line: this.line(start), exact };
  }

  /** The JSON path (segments) of the innermost node at an offset, e.g. for hover docs. */
  pathAt(offset: number): Array<string | number> {
    const out: Array<string | number> = [];
    let node: Node | undefined = this.root ? nodeAt(this.root, offset) : undefined;
    while (node && node.parent) {
      const parent: Node = node.parent;
      if (parent.type === 'property') out.unshift(String(parent.children?.[0]?.value));
      else if (parent.type === 'array') out.unshift(parent.children?.indexOf(node) ?? 0);
      node = parent.type === 'property' ? parent.parent : parent;
    }
    return out;
  }
}

/** The child of an object (by property name) or array (by index) of the parse tree. */
function child(node: Node, segment: string): Node | undefined {
  if (node.type === 'array') return /^(0|[1-9]\d*)$/.test(segment) ? node.children?.[Number(segment)] : undefined;
  if (node.type !== 'object') return undefined;
  // JSON.parse keeps the last of duplicate keys: so does this.
  let found: Node | undefined;
  for (const property of node.children ?? []) {
    if (property.children?.[0]?.value === segment) found = property.children[1];
  }
  return found;
}

function nodeAt(node: Node, offset: number): Node | undefined {
  if (offset < node.offset || offset > node.offset + node.length) return undefined;
  for (const child of node.children ?? []) {
    const hit = nodeAt(child, offset);
    if (hit) return hit;
  }
  return node;
}
