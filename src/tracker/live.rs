//! Which slots hold an agreement: one bit each, so that the whole set stays
//! in cache (a million slots take 125 KiB) while a query checks the slots
//! its indexes name.

/// A growable vector of bits.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Live {
    words: Vec<u64>,
    len: usize,
}

impl Live {
    /// The bit of `slot`, or `None` past the end.
    pub(crate) fn get(&self, slot: usize) -> Option<bool> {
        if slot >= self.len {
            return None;
        }
        let word = self.words.get(slot / 64)?;
        Some(word >> (slot % 64) & 1 == 1)
    }

    /// Where `slot` is, if it is live: the index into the slots.
    pub(crate) fn held(&self, slot: u32) -> Option<usize> {
        let at = slot as usize;
        self.get(at)?.then_some(at)
    }

    /// Sets the bit of `slot`; nothing past the end.
    pub(crate) fn set(&mut self, slot: usize, live: bool) {
        if slot >= self.len {
            return;
        }
        if let Some(word) = self.words.get_mut(slot / 64) {
            let bit = 1u64 << (slot % 64);
            if live {
                *word |= bit;
            } else {
                *word &= !bit;
            }
        }
    }

    /// Adds a bit at the end.
    pub(crate) fn push(&mut self, live: bool) {
        if self.len.is_multiple_of(64) {
            self.words.push(0);
        }
        self.len += 1;
        self.set(self.len - 1, live);
    }

    /// Every bit, in order.
    #[cfg(test)]
    pub(crate) fn iter(&self) -> impl Iterator<Item = bool> + '_ {
        (0..self.len).map(|slot| self.get(slot).unwrap_or(false))
    }
}

#[cfg(test)]
mod tests {
    use super::Live;

    #[test]
    fn bits_read_back_as_set_across_words() {
        let mut live = Live::default();
        let pattern: Vec<bool> = (0..200)
            .map(|i| i % 3 == 0 || i == 64 || i == 127)
            .collect();
        for bit in &pattern {
            live.push(*bit);
        }
        assert_eq!(live.iter().collect::<Vec<_>>(), pattern);
        assert_eq!(live.get(200), None);
        for slot in [0, 63, 64, 65, 127, 128, 199] {
            live.set(slot, false);
            assert_eq!(live.get(slot), Some(false), "slot {slot}");
            live.set(slot, true);
            assert_eq!(live.get(slot), Some(true), "slot {slot}");
        }
        // Setting a neighbour leaves a bit alone.
        live.set(1, true);
        live.set(2, false);
        assert_eq!(
            (live.get(0), live.get(1), live.get(2), live.get(3)),
            (Some(true), Some(true), Some(false), Some(true))
        );
        // A live slot is held at its own index; a vacant one is not.
        assert_eq!(
            (live.held(1), live.held(2), live.held(200)),
            (Some(1), None, None)
        );
        // Nothing past the end.
        live.set(500, true);
        assert_eq!(live.get(500), None);
        assert_eq!(live.iter().count(), 200);
    }
}
