//! A number shared by every process that opens one SQLite database, kept in a small
//! memory-mapped file beside it (`<database>-counter`, like SQLite's own `-shm`). Reading it
//! is one atomic load, where a database read would cost a trip to a reader connection on
//! every request; raising it is one atomic add, seen at once by every process that maps the
//! file.
//!
//! Used for the access revocation number on SQLite: a write that ends someone's access marks
//! its transaction ([`raise_after_commit`]), and [`crate::db::transaction`] raises the number
//! once that transaction has ended, so that the raise is never seen before the change it
//! announces is committed, and always before the writer is answered.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use memmap2::MmapMut;

/// Bytes of the file: one 64-bit number, at the start of a page-aligned mapping.
const FILE_LEN: u64 = 8;

/// One mapping of the counter file.
pub struct SharedCounter {
    map: MmapMut,
}

impl SharedCounter {
    /// Maps the counter file beside `database`, creating it at 0 if it does not exist.
    pub fn beside(database: &Path) -> std::io::Result<Self> {
        let path = counter_path(database);
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)?;
        if file.metadata()?.len() < FILE_LEN {
            file.set_len(FILE_LEN)?;
        }
        // SAFETY: the file is only ever changed through this mapping's atomic operations, by
        // this process or another one mapping it the same way; nothing truncates it.
        let map = unsafe { MmapMut::map_mut(&file)? };
        if map.len() < FILE_LEN as usize || map.as_ptr().align_offset(8) != 0 {
            return Err(std::io::Error::other("counter file mapped too short"));
        }
        Ok(Self { map })
    }

    fn number(&self) -> &AtomicU64 {
        // SAFETY: the mapping is at least 8 bytes long and page-aligned (checked in
        // `beside`), lives as long as `self`, and is only accessed atomically.
        unsafe { &*(self.map.as_ptr() as *const AtomicU64) }
    }

    /// The number as of now, including every raise finished by any process before this call.
    pub fn get(&self) -> u64 {
        self.number().load(Ordering::SeqCst)
    }

    /// Raises the number by one, for every process at once.
    pub fn raise(&self) {
        self.number().fetch_add(1, Ordering::SeqCst);
    }
}

/// `data/ideabox.db` → `data/ideabox.db-counter`.
fn counter_path(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push("-counter");
    PathBuf::from(name)
}

/// The mapping of the counter beside `database`, one per file for the whole process.
pub fn for_database(database: &Path) -> std::io::Result<Arc<SharedCounter>> {
    let database = std::fs::canonicalize(database)?;
    let database = database.as_path();
    static MAPPED: OnceLock<Mutex<HashMap<PathBuf, Arc<SharedCounter>>>> = OnceLock::new();
    let mut mapped = MAPPED
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    if let Some(counter) = mapped.get(database) {
        return Ok(counter.clone());
    }
    let counter = Arc::new(SharedCounter::beside(database)?);
    mapped.insert(database.to_owned(), counter.clone());
    Ok(counter)
}

thread_local! {
    /// Counters to raise when the transaction running on this thread ends.
    static PENDING: RefCell<Vec<Arc<SharedCounter>>> = const { RefCell::new(Vec::new()) };
}

/// Raises `counter` once the transaction running on this thread has ended. Transactions run
/// their work on the thread that began them, so the one that ends next here is this one.
pub fn raise_after_commit(counter: Arc<SharedCounter>) {
    PENDING.with(|pending| pending.borrow_mut().push(counter));
}

/// Raises what the ended transaction asked for. Called whether it committed or not: a raise
/// for nothing only makes every process read its sessions again once.
pub fn transaction_ended() {
    let pending = PENDING.with(|pending| std::mem::take(&mut *pending.borrow_mut()));
    for counter in pending {
        counter.raise();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("ideabox-counter-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let db = dir.join("t.db");
        std::fs::write(&db, b"").unwrap();
        db
    }

    #[test]
    fn two_mappings_of_one_file_see_each_others_raises() {
        let db = scratch("two");
        let first = SharedCounter::beside(&db).unwrap();
        let second = SharedCounter::beside(&db).unwrap();
        assert_eq!((first.get(), second.get()), (0, 0));
        first.raise();
        first.raise();
        assert_eq!(second.get(), 2);
        second.raise();
        assert_eq!(first.get(), 3);
        drop((first, second));
        assert_eq!(
            SharedCounter::beside(&db).unwrap().get(),
            3,
            "kept in the file"
        );
    }

    #[test]
    fn a_raise_waits_for_the_end_of_the_transaction() {
        let db = scratch("pending");
        let counter = for_database(&db).unwrap();
        let before = counter.get();
        raise_after_commit(counter.clone());
        raise_after_commit(counter.clone());
        assert_eq!(counter.get(), before, "nothing raised before the end");
        transaction_ended();
        assert_eq!(counter.get(), before + 2);
        transaction_ended();
        assert_eq!(counter.get(), before + 2, "raised once per request");
    }
}
