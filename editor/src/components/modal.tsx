/**
 * A modal dialog on the native <dialog> (showModal): the browser keeps the focus inside it,
 * Escape closes it, and the rest of the page is inert for assistive technology. The first
 * field (or the element marked `autofocus`) gets the focus; closing returns it to where it was.
 */
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

interface Props {
  title: string;
  /** Called on Escape and on the close button; the owner unmounts (or hides) the dialog. */
  onClose(): void;
  children: ComponentChildren;
  wide?: boolean;
  testId?: string;
}

let nextId = 0;

export function Modal({ title, onClose, children, wide, testId }: Props): JSX.Element {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useRef(`modal-title-${++nextId}`).current;
  const close = useRef(onClose);
  close.current = onClose;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement as HTMLElement | null;
    if (!dialog.open) dialog.showModal();
    const onCancel = (e: Event) => {
      e.preventDefault();
      close.current();
    };
    dialog.addEventListener('cancel', onCancel);
    return () => {
      dialog.removeEventListener('cancel', onCancel);
      const inside = dialog.contains(document.activeElement) || document.activeElement === document.body;
      if (dialog.open) dialog.close();
      // Back to the opener, unless the focus has been sent elsewhere (e.g. to a rule's line);
      // once more after the next frame, in case the page moved it to the body meanwhile.
      if (inside && opener && document.contains(opener)) {
        opener.focus();
        requestAnimationFrame(() => {
          if ((document.activeElement === document.body || document.activeElement === null) && document.contains(opener)) opener.focus();
        });
      }
    };
  }, []);

  return (
    <dialog ref={ref} class={`modal${wide ? ' wide' : ''}`} aria-labelledby={titleId} data-testid={testId}>
      <div class="modal-head">
        <h2 id={titleId}>{title}</h2>
        <button type="button" class="quiet close" aria-label="Close" onClick={() => close.current()}>
          ×
        </button>
      </div>
      <div class="modal-body">{children}</div>
    </dialog>
  );
}
