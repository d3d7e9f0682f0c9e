import { type Reason, reason } from '../verdicts/reasons.js';
import type { DocumentModules } from './document-module.js';
import { documentModules } from './registry.js';

/**
 * The reason a page of no registered type is refused with; it names every registered type, in
 * registry order, so the applicant knows what to upload instead.
 */
export function unsupportedDocumentReason(modules: DocumentModules = documentModules): Reason {
  const names = Object.values(modules).map((module) => module.names);
  return reason('UNSUPPORTED_DOCUMENT', 'hard', `This is not a ${englishList(names.map((n) => n.en))}.`, {
    messageZh: `不支持的文件类型：请上传${chineseList(names.map((n) => n.zh))}。`,
  });
}

/**
 * "A, B or C certificate, or D": neighbours that end in the same word say it once ("graduation or
 * degree certificate"), and the last item follows ", or".
 */
function englishList(names: readonly string[]): string {
  const groups: { words: string[]; head: string | null }[] = [];
  for (const name of names) {
    const words = name.split(' ');
    const head = words.length > 1 ? (words.pop() as string) : null;
    const previous = groups[groups.length - 1];
    if (head !== null && previous?.head === head) previous.words.push(words.join(' '));
    else groups.push({ words: [words.join(' ')], head });
  }
  const items = groups.map(({ words, head }) => [orList(words), head].filter(Boolean).join(' '));
  return orList(items, items.length > 2 ? ', or ' : ' or ');
}

function orList(items: readonly string[], lastSeparator = ' or '): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')}${lastSeparator}${items[items.length - 1]}`;
}

/** 甲、乙、丙或丁 */
function chineseList(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join('、')}或${names[names.length - 1]}`;
}
