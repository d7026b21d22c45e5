/**
 * The part of the app's test hook (`globalThis.__tinyml`, set in src/ui/App.svelte) that the browser
 * benches drive: the store, the current project and step. Types only; the page provides the objects.
 */
export type StudioHookWindow = typeof globalThis & {
  __tinyml: {
    studio: {
      s: {
        createProject(n: string): Promise<{ id: string }>;
        addSamples(pid: string, recs: unknown[]): Promise<unknown>;
        updateProject(id: string, patch: unknown): Promise<unknown>;
        listModels(pid: string): Promise<{ createdAt: number; metrics: { float?: { accuracy: number }; int8?: { accuracy: number }; training: { backend: string; train_ms: number; epochs_run: number } } }[]>;
      };
      project: { id: string } | null;
      refreshProjects(): Promise<void>;
      selectProject(id: string): Promise<void>;
      step: string;
      ready: boolean;
    };
  };
};
