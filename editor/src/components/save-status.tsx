/** The draft's save state, announced politely; a conflict is shown plainly with both ways out. */
import type { JSX } from 'preact';
import { formatInstant } from '../format.ts';
import type { SaveState } from '../policy-editor.ts';

interface Props {
  save: SaveState;
  onTakeTheirs(): void;
  onKeepMine(): void;
}

export function SaveStatus({ save, onTakeTheirs, onKeepMine }: Props): JSX.Element {
  let text: string;
  switch (save.status) {
    case 'read-only':
      text = `Read only: ${save.reason}`;
      break;
    case 'unchanged':
      text = 'No changes yet: your first change starts a draft.';
      break;
    case 'pending':
      text = 'Unsaved changes…';
      break;
    case 'saving':
      text = 'Saving the draft…';
      break;
    case 'saved':
      text = `Draft saved ${formatInstant(save.at)}`;
      break;
    case 'not-saved':
      text = save.message;
      break;
    case 'conflict':
      text = save.message;
      break;
  }
  return (
    <div class={`save-status ${save.status}`} data-testid="save-status" data-status={save.status}>
      <span role="status" aria-live="polite">
        {text}
      </span>
      {save.status === 'not-saved' && save.errors.length > 0 && (
        <ul>
          {save.errors.map((e, i) => (
            <li key={i}>
              <code>{e.path}</code> {e.message}
            </li>
          ))}
        </ul>
      )}
      {save.status === 'conflict' && (
        <span class="actions" role="alert">
          <button type="button" onClick={onTakeTheirs}>
            Load their draft (drop my changes)
          </button>
          <button type="button" onClick={onKeepMine}>
            Save mine over theirs
          </button>
        </span>
      )}
    </div>
  );
}
