import { readFileSync } from 'node:fs';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { PROBLEM_CODES, ProblemError } from '../http/problems.js';
import type { Verdict } from '../verdicts/decide.js';
import { REASON_CODES } from '../verdicts/reasons.js';
import type { FixtureScope } from './fixtures.store.js';
import { decideApproval, openProposal, submitReview } from './review.decisions.js';
import { correctFixture, exportFixture } from './review.fixture-export.js';
import { parseVersion, type QueueFilters, VERDICTS } from './review.models.js';
import {
  clearSessionCookie,
  type ReviewEnv,
  readSessionCookie,
  requireCsrfToken,
  requireReviewer,
  reviewSecurityHeaders,
  sameOriginPosts,
  writeSessionCookie,
} from './review.session.js';
import {
  actorOf,
  fieldNamesFor,
  fieldsFromForm,
  imageSize,
  loadCase,
  type ReviewDeps,
  readOriginal,
  reviewMetrics,
  reviewQueue,
  SignInRefused,
  signIn,
  signOut,
} from './review.usecases.js';
import { CasePage, type CaseView } from './views/case.page.js';
import { FixtureEditPage } from './views/fixture-edit.page.js';
import { FixturesPage } from './views/fixtures.page.js';
import type { Viewer } from './views/layout.js';
import { MessagePage } from './views/message.page.js';
import { MetricsPage } from './views/metrics.page.js';
import { QueuePage } from './views/queue.page.js';
import { SignInPage } from './views/sign-in.page.js';

const assets = {
  'review.css': {
    type: 'text/css; charset=utf-8',
    body: readFileSync(new URL('./assets/review.css', import.meta.url), 'utf8'),
  },
  'review.js': {
    type: 'text/javascript; charset=utf-8',
    body: readFileSync(new URL('./assets/review.js', import.meta.url), 'utf8'),
  },
} as const;

/** Only local review paths: a `next` parameter can never send a reviewer to another site. */
const safeNext = (next: string | undefined) =>
  next && /^\/review(?:[/?#]|$)/.test(next) && !next.startsWith('//') ? next : '/review';

const viewerOf = (c: Context<ReviewEnv>): Viewer => {
  const r = c.get('reviewer');
  return { keyId: r.keyId, role: r.role, keyName: r.keyName, csrfToken: r.csrfToken };
};

const parseDay = (value: string | undefined, plusDays = 0) => {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const day = new Date(`${value}T00:00:00Z`);
  return Number.isNaN(day.getTime()) ? undefined : new Date(day.getTime() + plusDays * 86_400_000);
};

const isVerdict = (value: unknown): value is Verdict =>
  typeof value === 'string' && (VERDICTS as readonly string[]).includes(value);

const stringsOf = (body: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => typeof e[1] === 'string'));

/** The reviewer pages under /review: server-rendered, session cookie, CSRF-checked forms. */
export function createReviewRoutes(deps: ReviewDeps) {
  const router = new Hono<ReviewEnv>();
  const auth = requireReviewer(deps);

  router.use('/review', reviewSecurityHeaders);
  router.use('/review/*', reviewSecurityHeaders);
  const { trustProxy } = deps.settings;
  router.use('/review', sameOriginPosts(trustProxy));
  router.use('/review/*', sameOriginPosts(trustProxy));

  router.onError((error, c) => {
    if (error instanceof HTTPException) return error.getResponse();
    const code = error instanceof ProblemError ? error.code : 'INTERNAL';
    if (code === 'INTERNAL') c.get('logger')?.error({ err: error }, 'review page failed');
    const viewer = c.get('reviewer') ? viewerOf(c) : null;
    const status = PROBLEM_CODES[code].status as 400 | 403 | 404 | 409 | 410 | 500;
    const message =
      error instanceof ProblemError ? (error.detail ?? PROBLEM_CODES[code].title) : 'Internal error.';
    return c.html(MessagePage({ viewer, title: PROBLEM_CODES[code].title, message }), status);
  });

  router.get('/review/assets/:file{review\\.(?:css|js)}', (c) => {
    const asset = assets[c.req.param('file') as keyof typeof assets];
    c.header('content-type', asset.type);
    c.header('cache-control', 'no-cache');
    return c.body(asset.body);
  });

  router.get('/review/sign-in', (c) => c.html(SignInPage({ next: safeNext(c.req.query('next')) })));

  router.post('/review/sign-in', async (c) => {
    const body = await c.req.parseBody();
    const next = safeNext(typeof body.next === 'string' ? body.next : undefined);
    try {
      const session = await signIn(deps, typeof body.key === 'string' ? body.key : '');
      writeSessionCookie(c, session.sessionId, session.maxAgeSeconds, trustProxy);
      c.get('logger').info({ keyId: session.key.id, role: session.key.role }, 'reviewer signed in');
      return c.redirect(next, 303);
    } catch (error) {
      if (!(error instanceof SignInRefused)) throw error;
      const wrongRole = error.why === 'wrong_role';
      return c.html(
        SignInPage({
          next,
          error: wrongRole
            ? '此密钥无复核权限。This key may not review: use a reviewer or admin key.'
            : '密钥无效。The key is not valid.',
        }),
        wrongRole ? 403 : 401,
      );
    }
  });

  router.post('/review/sign-out', auth, requireCsrfToken, async (c) => {
    await signOut(deps, readSessionCookie(c, trustProxy));
    clearSessionCookie(c, trustProxy);
    return c.redirect('/review/sign-in', 303);
  });

  router.get('/review', auth, async (c) => {
    const q = c.req.query();
    const filters: QueueFilters = {
      pending: q.pending === 'approval' ? 'approval' : undefined,
      documentType: q.type || undefined,
      reasonCode: q.reason || undefined,
      from: parseDay(q.from),
      to: parseDay(q.to, 1),
    };
    const items = await reviewQueue(deps, filters);
    const total = (await reviewQueue(deps, {})).length;
    return c.html(QueuePage({ viewer: viewerOf(c), items, total, filters, reasonCodes: REASON_CODES }));
  });

  const caseView = async (
    id: string,
    extra: Pick<CaseView, 'banner' | 'unsaved'> = {},
  ): Promise<CaseView> => {
    const verification = await loadCase(deps, id);
    const next = (await reviewQueue(deps, {})).find((item) => item.id !== id);
    const pending = await deps.approvals.pendingFor(id);
    return {
      verification,
      fieldNames: fieldNamesFor(verification),
      image: await imageSize(deps, verification),
      nextCaseId: next?.id ?? null,
      reviewed: (await deps.reviews.countFor(id)) > 0,
      awaitingApproval: pending ? { approval: pending, ...openProposal(deps, pending) } : null,
      ...extra,
    };
  };

  router.get('/review/cases/:id', auth, async (c) => {
    const saved = c.req.query('saved');
    const exported = c.req.query('exported');
    const decided = c.req.query('decided');
    const banner =
      saved !== undefined
        ? { kind: 'ok' as const, text: '已保存，已重新校验。Saved; the fields were validated again.' }
        : c.req.query('proposed') !== undefined
          ? {
              kind: 'ok' as const,
              text: '已提交，等待另一位复核员审批；结论暂不变。Submitted: awaiting second approval by another reviewer; the verdict is unchanged until then.',
            }
          : decided === 'approve'
            ? { kind: 'ok' as const, text: '已批准，更正已生效。Approved: the correction is applied.' }
            : decided === 'send_back'
              ? { kind: 'ok' as const, text: '已退回，结论不变。Sent back: the verdict is unchanged.' }
              : exported
                ? { kind: 'ok' as const, text: `已导出样例 Exported as fixture ${exported}` }
                : undefined;
    return c.html(CasePage({ viewer: viewerOf(c), view: await caseView(c.req.param('id'), { banner }) }));
  });

  router.get('/review/cases/:id/image', auth, async (c) => {
    const id = c.req.param('id');
    const original = await readOriginal(deps, id, actorOf(c.get('reviewer')));
    c.get('logger').info({ verificationId: id, keyId: c.get('reviewer').keyId }, 'original viewed');
    c.header('content-type', original.mime);
    c.header('cache-control', 'private, no-store');
    c.header('content-disposition', 'inline');
    // The original is untrusted bytes: even opened alone it may run nothing.
    c.header('content-security-policy', "default-src 'none'; img-src 'self'; sandbox");
    return c.body(new Uint8Array(original.bytes));
  });

  router.post('/review/cases/:id', auth, requireCsrfToken, async (c) => {
    const id = c.req.param('id');
    const body = stringsOf(await c.req.parseBody());
    const expectedVersion = parseVersion(body.version);
    if (!expectedVersion)
      throw new ProblemError('VALIDATION_FAILED', 'The form has no version; reload the case.');
    const action = body.action ?? 'save';
    const verdict: Verdict | undefined =
      action === 'approve'
        ? 'verified'
        : action === 'reject'
          ? 'rejected'
          : isVerdict(body.verdict)
            ? body.verdict
            : undefined;
    const before = await loadCase(deps, id);
    const fieldForm: Record<string, string> = {};
    for (const [name, value] of Object.entries(body)) {
      if (name.startsWith('field.')) fieldForm[name.slice('field.'.length)] = value;
    }
    const fields = fieldsFromForm(before, fieldForm);
    let outcome: Awaited<ReturnType<typeof submitReview>>;
    try {
      outcome = await submitReview(deps, {
        id,
        actor: actorOf(c.get('reviewer')),
        ...(verdict ? { verdict } : {}),
        fields,
        note: body.note?.trim() ? body.note.trim().slice(0, 2000) : null,
        expectedVersion,
      });
    } catch (error) {
      if (!(error instanceof ProblemError) || error.code !== 'VERSION_CONFLICT') throw error;
      const view = await caseView(id, {
        banner: {
          kind: 'conflict',
          text:
            '冲突：另一位复核员已先保存此案例，你的修改未保存。下方为最新版本，请核对后重新提交。' +
            'Conflict: another reviewer saved this case after you opened it. Your changes were NOT saved; ' +
            'the page now shows their version — check it and redo your change.',
        },
        unsaved: body,
      });
      return c.html(CasePage({ viewer: viewerOf(c), view }), 409);
    }
    // A `verified` over a HARD reason waits for a second reviewer (review.decisions.ts, submitReview).
    const done = outcome.kind === 'proposed' ? 'proposed=1' : 'saved=1';
    return c.redirect(`/review/cases/${encodeURIComponent(id)}?${done}`, 303);
  });

  router.post('/review/cases/:id/approvals', auth, requireCsrfToken, async (c) => {
    const id = c.req.param('id');
    const body = stringsOf(await c.req.parseBody());
    const decision = body.decision === 'approve' || body.decision === 'send_back' ? body.decision : null;
    if (!decision || !body.approvalId) {
      throw new ProblemError('VALIDATION_FAILED', 'The form has no proposal or decision; reload the case.');
    }
    await decideApproval(deps, {
      verificationId: id,
      approvalId: body.approvalId,
      actor: actorOf(c.get('reviewer')),
      decision,
      note: body.note?.trim() ? body.note.trim().slice(0, 2000) : null,
    });
    return c.redirect(`/review/cases/${encodeURIComponent(id)}?decided=${decision}`, 303);
  });

  router.post('/review/cases/:id/fixture', auth, requireCsrfToken, async (c) => {
    const id = c.req.param('id');
    const body = stringsOf(await c.req.parseBody());
    const result = await exportFixture(deps, {
      id,
      actor: actorOf(c.get('reviewer')),
      imageHasNoRealPerson: body.public === 'yes',
    });
    return c.redirect(
      `/review/cases/${encodeURIComponent(id)}?exported=${encodeURIComponent(`${result.scope}/${result.caseId}`)}`,
      303,
    );
  });

  router.get('/review/metrics', auth, async (c) =>
    c.html(MetricsPage({ viewer: viewerOf(c), metrics: await reviewMetrics(deps) })),
  );

  router.get('/review/fixtures', auth, (c) =>
    c.html(FixturesPage({ viewer: viewerOf(c), fixtures: deps.fixtures.list(), root: deps.fixtures.root })),
  );

  const scopeOf = (value: string): FixtureScope => {
    if (value !== 'public' && value !== 'private')
      throw new ProblemError('NOT_FOUND', 'No such fixture scope.');
    return value;
  };

  router.get('/review/fixtures/:scope/:caseId', auth, (c) => {
    const fixture = deps.fixtures.read(scopeOf(c.req.param('scope')), c.req.param('caseId'));
    if (!fixture) throw new ProblemError('NOT_FOUND', `No fixture case ${c.req.param('caseId')}.`);
    const banner = c.req.query('saved') ? { kind: 'ok' as const, text: '已保存 Saved.' } : undefined;
    return c.html(FixtureEditPage({ viewer: viewerOf(c), fixture, banner }));
  });

  router.post('/review/fixtures/:scope/:caseId', auth, requireCsrfToken, async (c) => {
    const scope = scopeOf(c.req.param('scope'));
    const caseId = c.req.param('caseId');
    const body = stringsOf(await c.req.parseBody());
    const form: Record<string, string> = {};
    for (const [name, value] of Object.entries(body)) {
      if (name.startsWith('field.')) form[name.slice('field.'.length)] = value;
    }
    try {
      correctFixture(deps, {
        scope,
        caseId,
        version: body.version ?? '',
        form,
        ...(isVerdict(body.verdict) ? { verdict: body.verdict } : {}),
      });
    } catch (error) {
      if (!(error instanceof ProblemError) || error.code !== 'VERSION_CONFLICT') throw error;
      const fixture = deps.fixtures.read(scope, caseId);
      if (!fixture) throw error;
      return c.html(
        FixtureEditPage({
          viewer: viewerOf(c),
          fixture,
          banner: {
            kind: 'conflict',
            text: `冲突 Conflict: ${error.detail ?? ''} Your changes were NOT saved.`,
          },
        }),
        409,
      );
    }
    c.get('logger').info({ caseId, scope, keyId: c.get('reviewer').keyId }, 'fixture corrected');
    return c.redirect(`/review/fixtures/${scope}/${encodeURIComponent(caseId)}?saved=1`, 303);
  });

  return router;
}
