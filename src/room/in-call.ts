import type { ClientFrameOf } from "../protocol/room";
import { participantUpdated } from "./frames";
import type { Outcome } from "./outcome";
import type { RelayFrame } from "./relay-frame";
import type { Member } from "./state";

// What admitted people do during the call: signaling relayed to one other person, media state and raised
// hands told to everyone, chat and reactions broadcast.

/** `offer` / `answer` / `ice_candidate`: relayed to the one person named, stamped with the sender. */
export function relaySignal(out: Outcome, member: Member, frame: RelayFrame): void {
  const target = out.state.members[frame.payload.target_id];
  if (target?.status !== "admitted" || target.id === member.id) {
    const message = "Nobody else with that id is in the call.";
    out.error(member.connectionId ?? "", "unknown_participant", message, frame.event_type);
    return;
  }
  // A kept seat has no socket: the message is dropped and the pair renegotiates after the resume.
  const to = target.connectionId;
  if (frame.event_type === "ice_candidate") {
    out.send(to, {
      event_type: "ice_candidate",
      payload: { sender_id: member.id, data: frame.payload.data },
    });
  } else {
    out.send(to, {
      event_type: frame.event_type,
      payload: { sender_id: member.id, data: frame.payload.data },
    });
  }
}

/** `media_state`: microphone, camera and screen as the person now sends them. */
export function onMediaState(out: Outcome, member: Member, frame: ClientFrameOf<"media_state">): void {
  const { audio, video, screen } = frame.payload;
  if (audio !== undefined) member.audio = audio;
  if (video !== undefined) member.video = video;
  if (screen !== undefined) member.screen = screen;
  out.dirty = true;
  out.broadcast(participantUpdated(member));
}

/** `raise_hand`: the hand is up or down for everyone. */
export function onRaiseHand(out: Outcome, member: Member, frame: ClientFrameOf<"raise_hand">): void {
  member.handRaised = frame.payload.raised;
  out.dirty = true;
  out.broadcast(participantUpdated(member));
}

/** `send_chat_message`: everyone (the sender too) gets it with an id, the sender's name and the time. */
export function onChat(out: Outcome, member: Member, frame: ClientFrameOf<"send_chat_message">): void {
  out.broadcast({
    event_type: "chat_message_received",
    payload: {
      id: out.ctx.newId("m"),
      sender_id: member.id,
      sender_name: member.name,
      text: frame.payload.text,
      sent_at: new Date(out.ctx.now).toISOString(),
    },
  });
}

/** `send_emoji`: a reaction everyone sees. */
export function onEmoji(out: Outcome, member: Member, frame: ClientFrameOf<"send_emoji">): void {
  out.broadcast({
    event_type: "emoji_received",
    payload: { sender_id: member.id, emoji: frame.payload.emoji },
  });
}
