/**
 * One applicant's document on a page of its own (opened in a new tab from the application page): titled with the
 * applicant's name and the document, and as large as the window, so that a certificate number can be read.
 * The document's id and kind are in the URL fragment (`#id=…&document=dbs-certificate`).
 */
import { DOCUMENT_KINDS, type DocumentKind } from '../../../lambdas/domain/stages.ts';
import type { staffView } from '../../../lambdas/use-cases/staff-queries.ts';
import { byId, h } from '../lib/dom.ts';
import { accountBar, staffApi } from '../lib/staff-auth.ts';
import { staffPage } from '../lib/staff-page.ts';
import { DOCUMENT_NAMES } from '../lib/upload.ts';

type StaffView = Awaited<ReturnType<typeof staffView>>;

const root = byId('staff-root');

const wanted = (): { id?: string; kind?: DocumentKind } => {
  const params = new URLSearchParams(window.location.hash.slice(1));
  const kind = DOCUMENT_KINDS.find((k) => k === params.get('document'));
  return { id: params.get('id') ?? undefined, kind };
};

const render = async (): Promise<void> => {
  const { id, kind } = wanted();
  if (!id || !kind) {
    document.title = 'No document chosen – Affiliate team';
    root.replaceChildren(
      accountBar(),
      h('h1', {}, 'No document chosen'),
      h('a', { href: 'index.html' }, 'Go to the queue'),
    );
    root.removeAttribute('aria-busy');
    return;
  }
  const view = await staffApi<StaffView>(`/staff/applications/${encodeURIComponent(id)}`);
  const name = `${view.applicant.firstName} ${view.applicant.lastName}`;
  const documentName = DOCUMENT_NAMES[kind];
  const stored = view.documents.find((d) => d.document === kind);
  const title = `${name} – ${documentName}`;
  document.title = `${title} – Affiliate team`;
  const url = stored?.downloadUrl;
  const isPdf = stored?.contentType === 'application/pdf';
  root.replaceChildren(
    accountBar(),
    h('a', { class: 'back-link', href: `application.html#id=${encodeURIComponent(id)}` }, `Back to ${name}`),
    h('h1', {}, title),
    url
      ? h(
          'div',
          { class: 'document-view', 'data-preview': stored?.contentType ?? '' },
          isPdf
            ? h('iframe', { class: 'document-view__frame', src: `${url}#view=FitH&navpanes=0`, title })
            : h('img', { class: 'document-view__image', src: url, alt: `${title}, as uploaded` }),
        )
      : h(
          'p',
          { class: 'notice' },
          stored?.deletedByRetention
            ? `${documentName} image deleted under the retention policy.`
            : `No ${documentName.toLowerCase()} has been received.`,
        ),
  );
  root.removeAttribute('aria-busy');
};

const load = staffPage(root, render);

window.addEventListener('hashchange', () => void load());
void load();
