import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

describe('logger', () => {
  it('masks names and ID numbers wherever they appear', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({ level: 'info', destination: sink });
    logger.info(
      { applicant: { name: '欧阳娜娜', idNumber: '11010519491231002X' }, note: 'id 440524188001010014 seen' },
      'upload',
    );
    const line = lines.join('');
    expect(line).not.toContain('欧阳娜娜');
    expect(line).not.toContain('11010519491231002X');
    expect(line).not.toContain('440524188001010014');
    expect(line).toContain('欧***');
    expect(JSON.parse(line)).toMatchObject({ level: 'info', msg: 'upload' });
  });
});
