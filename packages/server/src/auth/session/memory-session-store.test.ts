import { sessionStoreContract } from './contract/session-store.contract.js';
import { MemorySessionStore } from './memory-session-store.js';

sessionStoreContract(async () => new MemorySessionStore());
