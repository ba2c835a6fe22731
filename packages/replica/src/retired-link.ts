import type { Duplex } from 'node:stream';

/**
 * The socket of a link lost while up, kept while the next attempt connects: paused (nothing more is
 * read from it) and closed when that attempt fails or shortly after its link came up, so the master
 * handles the close after it has answered the new handshake rather than between its steps.
 */
export class RetiredLink {
  private link: Duplex | null = null;

  /** Holds `link`, closing the one held before. */
  hold(link: Duplex | null): void {
    this.close();
    if (link === null) return;
    link.pause();
    this.link = link;
  }

  /** Closes the held link; resolves once its socket is closed. */
  close(): Promise<void> {
    const link = this.link;
    this.link = null;
    if (link === null) return Promise.resolve();
    link.destroy();
    return link.closed ? Promise.resolve() : new Promise((resolve) => link.once('close', () => resolve()));
  }
}
