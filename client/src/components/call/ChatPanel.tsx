import { useEffect, useRef, useState } from "preact/hooks";
import type { ChatMessage } from "../../models/call-state";
import { linkify } from "./linkify";
import { SidePanel } from "./SidePanel";

interface ChatPanelProps {
  messages: ChatMessage[];
  onSend(text: string): boolean;
  onClose(): void;
}

const MAX = 2000;

/** The call's chat: messages with names and times, links clickable, a field that keeps text until sent. */
export function ChatPanel({ messages, onSend, onClose }: ChatPanelProps) {
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const listRef = useRef<HTMLOListElement>(null);
  const fieldRef = useRef<HTMLTextAreaElement>(null);

  useEffect(() => fieldRef.current?.focus(), []);
  // Scrolls to the newest message whenever one arrives.
  useEffect(() => {
    const list = listRef.current;
    if (list) list.scrollTop = list.scrollHeight;
  }, [messages.length]);

  function submit(event?: Event) {
    event?.preventDefault();
    if (text.trim().length === 0) return;
    if (text.length > MAX) {
      setError(`A message can be at most ${MAX} characters.`);
      return;
    }
    if (onSend(text)) {
      setText("");
      setError(null);
    } else setError("The message could not be sent.");
  }

  return (
    <SidePanel id="chat" heading="Chat" onClose={onClose}>
      <ol class="chat-list" aria-label="Chat" ref={listRef}>
        {messages.length === 0 && <li class="muted empty-chat">No messages yet. Say hello!</li>}
        {messages.map((m) => (
          <li key={m.id} class={m.mine ? "chat-item mine" : "chat-item"}>
            <div class="chat-meta">
              <span class="chat-name">{m.mine ? "You" : m.senderName}</span>
              <time dateTime={m.sentAt}>{formatTime(m.sentAt)}</time>
            </div>
            <p class="chat-text">
              {linkify(m.text).map((part, i) =>
                part.kind === "link" ? (
                  <a key={i} href={part.href} target="_blank" rel="noopener noreferrer nofollow">
                    {part.text}
                  </a>
                ) : (
                  part.text
                ),
              )}
            </p>
          </li>
        ))}
      </ol>
      <form class="chat-form" onSubmit={submit}>
        <label for="chat-message" class="visually-hidden">
          Message
        </label>
        <textarea
          id="chat-message"
          ref={fieldRef}
          rows={2}
          value={text}
          placeholder="Message"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "chat-error" : undefined}
          onInput={(event) => setText(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === "Enter" && !event.shiftKey && !event.isComposing) submit(event);
          }}
        />
        <button type="submit" class="btn small" disabled={text.trim().length === 0}>
          Send
        </button>
        {error && (
          <p id="chat-error" class="field-error" role="alert">
            {error}
          </p>
        )}
      </form>
    </SidePanel>
  );
}

function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? ""
    : date.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
}
