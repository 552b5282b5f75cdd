export declare function checkPackageBoundaries(root?: string): string[];
