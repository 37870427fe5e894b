import type { ImageHistoryItem } from '../../../client/engine-client.js';
import { ellipsis } from '../ellipsis.js';
import { formatRfc3339 } from '../go-time.js';
import { marshalContext } from '../template/go-json.js';
import { humanSizeWithPrecision, timeSince } from '../units.js';
import { truncateId } from './image-context.js';

/** HISTORY_HEADER maps history fields to column titles. */
export const HISTORY_HEADER: Readonly<Record<string, string>> = {
  ID: 'IMAGE',
  CreatedSince: 'CREATED',
  CreatedAt: 'CREATED AT',
  CreatedBy: 'CREATED BY',
  Size: 'SIZE',
  Comment: 'COMMENT',
};

// compat: docker shows "N/A" for history entries created before 2000 (e.g. Created 0).
const EPOCH_2000 = Date.UTC(2000, 0, 1) / 1000;

/** HistoryContext is one row of `wharf history` (docker's historyContext). */
export class HistoryContext {
  readonly goTypeName = '*image.historyContext';
  readonly #h: ImageHistoryItem;
  readonly #trunc: boolean;
  readonly #human: boolean;
  readonly #now: number;

  constructor(h: ImageHistoryItem, o: { trunc: boolean; human: boolean; now: number }) {
    this.#h = h;
    this.#trunc = o.trunc;
    this.#human = o.human;
    this.#now = o.now;
  }

  get ID(): string {
    return this.#trunc ? truncateId(this.#h.Id) : this.#h.Id;
  }
  get CreatedAt(): string {
    return formatRfc3339(this.#h.Created);
  }
  get CreatedSince(): string {
    if (!this.#human) return this.CreatedAt;
    if (this.#h.Created <= EPOCH_2000) return 'N/A';
    return timeSince(this.#h.Created, this.#now);
  }
  get CreatedBy(): string {
    const by = this.#h.CreatedBy.replaceAll('\t', ' ');
    return this.#trunc ? ellipsis(by, 45) : by;
  }
  get Size(): string {
    return this.#human ? humanSizeWithPrecision(this.#h.Size, 3) : String(this.#h.Size);
  }
  get Comment(): string {
    return this.#h.Comment;
  }
  marshalJSON(): string {
    return marshalContext(this);
  }
}
