/** A workspace package: its folder (relative to the root) and package.json. */
export interface WorkspacePackage {
  dir: string;
  manifest: {
    name: string;
    version?: string;
    private?: boolean;
    exports?: unknown;
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
  };
}
export interface AliasOptions {
  root?: string;
  /** Only the packages this workspace folder declares as dependencies. */
  consumer?: string;
}
export declare const ROOT: string;
export declare function workspacePackages(root?: string): WorkspacePackage[];
export declare function declaredDependencies(manifest: WorkspacePackage['manifest']): Set<string>;
export declare function workspaceAliases(options?: AliasOptions): Record<string, string>;
export declare function viteAliases(options?: AliasOptions): { find: RegExp; replacement: string }[];
export declare function tsconfigPaths(tsconfigDir: string, options?: AliasOptions): Record<string, string[]>;
