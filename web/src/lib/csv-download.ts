/**
 * "Download CSV" for a staff report: fetches the CSV with the bearer token and hands it to the browser as a file.
 * A lost sign-in goes on to the page's own handler (`onSignInLost`); other failures are said in the status line.
 */
import { NetworkError } from './api.ts';
import { h } from './dom.ts';
import { whileBusy } from './forms.ts';
import { StaffAccessError, staffFile } from './staff-auth.ts';

export const csvDownloadButton = (
  path: string,
  filename: string,
  onSignInLost: () => void,
): HTMLElement[] => {
  const button = h('button', { type: 'button', class: 'button', id: 'download-csv' }, 'Download CSV');
  const status = h('p', { class: 'hint', role: 'status', id: 'download-status' });
  button.addEventListener('click', () => {
    whileBusy(button, async () => {
      status.textContent = '';
      try {
        const url = URL.createObjectURL(await staffFile(path));
        const link = h('a', { href: url, download: filename, hidden: true });
        document.body.append(link);
        link.click();
        link.remove();
        // The download has started from the URL by now; keep it a while for browsers that read it late.
        setTimeout(() => URL.revokeObjectURL(url), 60_000);
        status.textContent = `Downloaded ${filename}.`;
      } catch (error) {
        if (error instanceof StaffAccessError) throw error;
        status.textContent =
          error instanceof NetworkError
            ? 'The report could not be downloaded: we could not reach the service. Try again.'
            : 'The report could not be downloaded. Try again.';
      }
    }).catch(onSignInLost);
  });
  return [button, status];
};
