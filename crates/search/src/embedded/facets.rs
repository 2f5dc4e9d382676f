//! Counting the values of several u64 fast fields over the matching documents.

use std::collections::HashMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use crate::query::Dimension;

pub type Counts = HashMap<Dimension, HashMap<u64, u64>>;

pub struct DimensionCounts(pub Vec<Dimension>);

pub struct SegmentCounts {
    columns: Vec<(Dimension, Column<u64>)>,
    counts: Counts,
}

impl Collector for DimensionCounts {
    type Fruit = Counts;
    type Child = SegmentCounts;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentCounts> {
        let columns = self
            .0
            .iter()
            .map(|d| Ok((*d, segment.fast_fields().u64(d.field())?)))
            .collect::<tantivy::Result<_>>()?;
        Ok(SegmentCounts {
            columns,
            counts: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Counts>) -> tantivy::Result<Counts> {
        let mut all = Counts::new();
        for fruit in fruits {
            for (dim, values) in fruit {
                let target = all.entry(dim).or_default();
                for (v, n) in values {
                    *target.entry(v).or_default() += n;
                }
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for SegmentCounts {
    type Fruit = Counts;

    fn collect(&mut self, doc: DocId, _: Score) {
        for (dim, column) in &self.columns {
            let target = self.counts.entry(*dim).or_default();
            for v in column.values_for_doc(doc) {
                *target.entry(v).or_default() += 1;
            }
        }
    }

    fn harvest(self) -> Counts {
        self.counts
    }
}
