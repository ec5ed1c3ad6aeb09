import { memoryStore } from "../../lib";
import { storeConformance } from "../../lib/testing";

storeConformance({ name: "memory", makeStore: () => memoryStore(), describe, test });
