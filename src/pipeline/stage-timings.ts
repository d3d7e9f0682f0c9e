/**
 * The pipeline's stages in the order a document meets them: the `stage` label of
 * `docverify_pipeline_stage_seconds`, and `stage.<name>` in an outcome's `timingsMs`.
 */
export const STAGES = [
  'preprocess',
  'ocr',
  'reread',
  'classify',
  'assist',
  'extract',
  'validate',
  'duplicates',
  'decide',
] as const;
export type Stage = (typeof STAGES)[number];

/**
 * Time spent per stage for one document. A stage entered twice (validation runs before and after
 * the model's fills; the model is asked about the type and then the fields) adds up; a stage the
 * document never reached has no entry.
 */
export function createStageTimings() {
  const spent = new Map<Stage, number>();
  const add = (stage: Stage, ms: number) => spent.set(stage, (spent.get(stage) ?? 0) + ms);

  return {
    add,
    /** Runs `work` as (part of) `stage`; a promise is timed until it settles. */
    time<T>(stage: Stage, work: () => T): T {
      const started = performance.now();
      const result = work();
      if (result instanceof Promise) {
        return result.finally(() => add(stage, performance.now() - started)) as T;
      }
      add(stage, performance.now() - started);
      return result;
    },
    /** Milliseconds per stage reached, in stage order. */
    entries(): [Stage, number][] {
      return STAGES.flatMap((stage) => {
        const ms = spent.get(stage);
        return ms === undefined ? [] : [[stage, ms] as [Stage, number]];
      });
    },
  };
}

export type StageTimings = ReturnType<typeof createStageTimings>;
