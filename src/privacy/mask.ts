/** Masks for logs: keep enough to recognise a record, never enough to identify a person. */
export function maskName(name: string): string {
  const chars = [...name];
  if (chars.length <= 1) return '*';
  return `${chars[0]}${'*'.repeat(chars.length - 1)}`;
}

export function maskIdNumber(id: string): string {
  if (id.length <= 4) return '*'.repeat(id.length);
  return `${id.slice(0, 3)}${'*'.repeat(Math.max(0, id.length - 7))}${id.slice(-4)}`.slice(0, id.length);
}

const ID_NUMBER_IN_TEXT = /(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[\dXx])(?![0-9A-Za-z])/g;

/** Masks 18-character ID numbers wherever they appear in free text. */
export function maskIdNumbersInText(text: string): string {
  return text.replace(
    ID_NUMBER_IN_TEXT,
    (_m, a: string, _b: string, c: string) => `${a.slice(0, 3)}***********${c}`,
  );
}
