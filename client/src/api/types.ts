// The REST shapes of docs/api.md, inferred from the schemas the Worker validates with. Types only:
// importing the schemas themselves would put zod into the first screen's bundle.
export type {
  AuthResult,
  Call,
  CallList,
  CallLog,
  CallLogList,
  ChangePasswordBody,
  CreateCallBody,
  IceServer,
  IceServersResult,
  LoginBody,
  PublicCall,
  SignupBody,
  TicketBody,
  TicketResult,
  UpdateCallBody,
  UpdateMeBody,
  User,
} from "../../../src/protocol/rest";
