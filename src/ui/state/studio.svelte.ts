/**
 * The app's top-level state: the store, the projects, the selected project's samples and the
 * pipeline step shown. Wraps core services; holds no chart or DOM code. UI module.
 */
import { openStudioDb } from '../../data/store/open-db.ts';
import { StudioStore, computeTotals, type LabelTotals } from '../../data/store/studio-store.ts';
import type { ProjectRecord } from '../../data/store/schema.ts';
import type { SampleMeta } from '../../data/sample.ts';
import { requestPersistence, storageStatus, type StorageStatus } from '../../data/store/storage-quota.ts';
import { notices } from './notices.svelte.ts';

export type Step = 'device' | 'data' | 'impulse' | 'train' | 'test' | 'deploy';
export const STEPS: { id: Step; title: string }[] = [
  { id: 'device', title: 'Device' },
  { id: 'data', title: 'Data' },
  { id: 'impulse', title: 'Impulse' },
  { id: 'train', title: 'Train' },
  { id: 'test', title: 'Test' },
  { id: 'deploy', title: 'Deploy' },
];

const LAST_PROJECT_KEY = 'tinyml-studio.last-project';
const CHANNEL = 'tinyml-studio';

type Broadcast = { type: 'samples-changed' | 'projects-changed'; projectId?: string; from: string };

export class Studio {
  store = $state.raw<StudioStore | null>(null);
  ready = $state(false);
  fatal = $state<string | null>(null);
  projects = $state.raw<ProjectRecord[]>([]);
  project = $state.raw<ProjectRecord | null>(null);
  samples = $state.raw<SampleMeta[]>([]);
  totals = $state.raw<LabelTotals[]>([]);
  step = $state<Step>('device');
  storage = $state.raw<StorageStatus>({ usedBytes: null, quotaBytes: null, persisted: null });
  persistGranted = $state<boolean | null>(null);
  /** Set when another tab changed the same project. */
  otherTabActive = $state(false);
  recovered = $state(0);

  private channel: BroadcastChannel | null = null;
  private projectListeners = new Set<(projectId: string | null, previousId: string | null) => void>();

  /** Called after another project was opened (e.g. to stop work that belongs to the old one). */
  onProjectChange(fn: (projectId: string | null, previousId: string | null) => void): () => void {
    this.projectListeners.add(fn);
    return () => this.projectListeners.delete(fn);
  }
  private readonly tabId = Math.random().toString(36).slice(2);

  async init(seedDemo: (s: StudioStore, projectId: string) => Promise<void>): Promise<void> {
    try {
      const db = await openStudioDb({
        onVersionChange: () => notices.push({ kind: 'warning', title: 'A newer version is open in another tab', text: 'Reload this tab to keep working.', sticky: true }),
      });
      const store = new StudioStore(db);
      this.store = store;
      const recovered = await store.recoverIncomplete();
      this.recovered = recovered.length;
      if (recovered.length) {
        notices.push({ kind: 'info', title: 'Recording recovered', text: `${recovered.length} recording(s) interrupted by a reload or crash were kept up to the last saved second.` });
      }
      let projects = await store.listProjects();
      if (projects.length === 0) {
        const demo = await store.createProject('Demo: gestures (simulated board)', { demo: true });
        try {
          await seedDemo(store, demo.id);
        } catch (e) {
          notices.error(e, 'Could not create the demo dataset');
        }
        projects = await store.listProjects();
      }
      this.projects = projects;
      const last = globalThis.localStorage?.getItem(LAST_PROJECT_KEY);
      await this.selectProject(projects.find((p) => p.id === last)?.id ?? projects[0].id);
      this.setupChannel();
      this.persistGranted = await requestPersistence();
      await this.refreshStorage();
      this.ready = true;
    } catch (e) {
      this.fatal = e instanceof Error ? e.message : String(e);
      notices.error(e, 'Storage unavailable');
    }
  }

  private setupChannel(): void {
    if (typeof BroadcastChannel === 'undefined') return;
    this.channel = new BroadcastChannel(CHANNEL);
    this.channel.onmessage = (ev: MessageEvent<Broadcast>) => {
      const m = ev.data;
      if (!m || m.from === this.tabId) return;
      if (m.type === 'projects-changed') void this.refreshProjects();
      if (m.type === 'samples-changed' && m.projectId === this.project?.id) {
        this.otherTabActive = true;
        void this.refreshSamples();
      }
    };
  }

  private announce(type: Broadcast['type'], projectId?: string): void {
    this.channel?.postMessage({ type, projectId, from: this.tabId } satisfies Broadcast);
  }

  get s(): StudioStore {
    if (!this.store) throw new Error('store not open');
    return this.store;
  }

  async refreshProjects(): Promise<void> {
    this.projects = await this.s.listProjects();
    if (this.project && !this.projects.some((p) => p.id === this.project!.id)) {
      this.project = null;
      if (this.projects[0]) await this.selectProject(this.projects[0].id);
    }
  }

  async selectProject(id: string): Promise<void> {
    const previous = this.project?.id ?? null;
    this.project = (await this.s.getProject(id)) ?? null;
    globalThis.localStorage?.setItem(LAST_PROJECT_KEY, id);
    await this.refreshSamples();
    const now = this.project?.id ?? null;
    if (now !== previous) for (const fn of this.projectListeners) fn(now, previous);
  }

  async createProject(name: string): Promise<void> {
    const p = await this.s.createProject(name);
    await this.refreshProjects();
    await this.selectProject(p.id);
    // A new project starts where every project starts: connecting a board.
    this.step = 'device';
    this.announce('projects-changed');
  }

  async renameProject(id: string, name: string): Promise<void> {
    await this.s.updateProject(id, { name });
    await this.refreshProjects();
    if (this.project?.id === id) this.project = (await this.s.getProject(id)) ?? null;
    this.announce('projects-changed');
  }

  async deleteProject(id: string): Promise<void> {
    await this.s.deleteProject(id);
    let projects = await this.s.listProjects();
    if (projects.length === 0) {
      await this.s.createProject('My project');
      projects = await this.s.listProjects();
    }
    this.projects = projects;
    if (this.project?.id === id || !this.project) await this.selectProject(projects[0].id);
    this.announce('projects-changed');
    await this.refreshStorage();
  }

  async updateProject(patch: Partial<Omit<ProjectRecord, 'id' | 'createdAt'>>): Promise<void> {
    if (!this.project) return;
    this.project = await this.s.updateProject(this.project.id, patch);
  }

  async refreshSamples(): Promise<void> {
    if (!this.project) {
      this.samples = [];
      this.totals = [];
      return;
    }
    const id = this.project.id;
    const samples = await this.s.listSamples(id);
    if (this.project?.id !== id) return;
    this.samples = samples.filter((m) => m.complete);
    this.totals = computeTotals(this.samples);
  }

  /** Call after any change to the project's samples. */
  async samplesChanged(): Promise<void> {
    await this.refreshSamples();
    this.announce('samples-changed', this.project?.id);
    void this.refreshStorage();
  }

  async refreshStorage(): Promise<void> {
    this.storage = await storageStatus();
  }

  get labels(): string[] {
    return [...new Set(this.samples.map((s) => s.label))].sort();
  }
}

export const studio = new Studio();
