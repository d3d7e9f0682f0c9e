import crypto from 'node:crypto';
import { z } from 'zod';
import { type ChainCheckpoint, canonicalJson } from './audit.models.js';

/**
 * A signed statement of the chain's end: `{headSeq, headHash, count, time}`, Ed25519-signed over
 * its canonical JSON. Kept away from the database host, it lets `audit verify --checkpoint` tell
 * that the chain still holds that head with that hash (no rewrite up to it) and has not lost
 * records (no truncation), which the chain alone cannot show.
 */
export const CHECKPOINT_FORMAT = 'docverify-audit-checkpoint/1';

const CheckpointSchema = z.strictObject({
  format: z.literal(CHECKPOINT_FORMAT),
  headSeq: z.number().int().min(0),
  headHash: z.string().regex(/^[0-9a-f]{64}$/),
  count: z.number().int().min(0),
  time: z.iso.datetime(),
  /** Which key signed it (sha256 of its public key, 16 hex), to tell a wrong key from a forgery. */
  keyId: z.string().regex(/^[0-9a-f]{16}$/),
  signature: z.string().min(1),
});

export type SignedCheckpoint = z.infer<typeof CheckpointSchema>;

export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
}

export function checkpointKeyId(key: crypto.KeyObject): string {
  const publicKey = key.type === 'private' ? crypto.createPublicKey(key) : key;
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return crypto.createHash('sha256').update(spki).digest('hex').slice(0, 16);
}

const signedBytes = (checkpoint: Omit<SignedCheckpoint, 'signature'>) =>
  Buffer.from(
    canonicalJson({
      format: checkpoint.format,
      headSeq: checkpoint.headSeq,
      headHash: checkpoint.headHash,
      count: checkpoint.count,
      time: checkpoint.time,
      keyId: checkpoint.keyId,
    }),
  );

export function signCheckpoint(statement: ChainCheckpoint, privateKey: crypto.KeyObject): SignedCheckpoint {
  const unsigned = { format: CHECKPOINT_FORMAT, ...statement, keyId: checkpointKeyId(privateKey) } as const;
  const signature = crypto.sign(null, signedBytes(unsigned), privateKey).toString('base64');
  return { ...unsigned, signature };
}

/** Reads a checkpoint and checks its signature; throws CheckpointError saying what is wrong. */
export function readCheckpoint(text: string, publicKey: crypto.KeyObject): SignedCheckpoint {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CheckpointError('it is not JSON');
  }
  const parsed = CheckpointSchema.safeParse(json);
  if (!parsed.success) throw new CheckpointError('it is not a docverify audit checkpoint');
  const checkpoint = parsed.data;
  const expectedKeyId = checkpointKeyId(publicKey);
  if (checkpoint.keyId !== expectedKeyId) {
    throw new CheckpointError(
      `its signature is by key ${checkpoint.keyId}, not by the checkpoint key ${expectedKeyId}`,
    );
  }
  const valid = crypto.verify(
    null,
    signedBytes(checkpoint),
    publicKey,
    Buffer.from(checkpoint.signature, 'base64'),
  );
  if (!valid) throw new CheckpointError('its signature does not verify: the checkpoint was changed');
  return checkpoint;
}
