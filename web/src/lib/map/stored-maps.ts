/**
 * The last boundary maps this browser received, kept in IndexedDB so that a wall draws its map
 * during an outage and after a restart without the server. IndexedDB, not Cache Storage: the
 * latter exists only on secure pages, and a TV on the LAN often opens plain http://host:3000.
 * A failure to store or read is no error: the map is then fetched, or drawn as a schematic.
 */
const DB_NAME = 'tiendo';
const STORE = 'maps';

let opening: Promise<IDBDatabase | null> | null = null;

function database(): Promise<IDBDatabase | null> {
  opening ??= new Promise((resolve) => {
    if (!globalThis.indexedDB) return resolve(null);
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => resolve(null);
    request.onblocked = () => resolve(null);
  });
  return opening;
}

function run<T>(mode: IDBTransactionMode, use: (store: IDBObjectStore) => IDBRequest<T>): Promise<T | null> {
  return database().then(
    (db) =>
      new Promise((resolve) => {
        if (!db) return resolve(null);
        try {
          const request = use(db.transaction(STORE, mode).objectStore(STORE));
          request.onsuccess = () => resolve(request.result ?? null);
          request.onerror = () => resolve(null);
        } catch {
          resolve(null);
        }
      }),
  );
}

export function readMap<T>(key: string): Promise<T | null> {
  return run<T>('readonly', (store) => store.get(key));
}

export function storeMap<T>(key: string, value: T): Promise<unknown> {
  return run('readwrite', (store) => store.put(value, key));
}
