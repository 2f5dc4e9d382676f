//! Counting the values of several u64 fast fields over the matching documents. Facet values are
//! small numbers (vocabulary positions, municipality ids), so each segment counts into dense
//! arrays; larger values fall back to a map.

use std::collections::HashMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use crate::query::Dimension;

pub type Counts = HashMap<Dimension, HashMap<u64, u64>>;

/// Values below this are counted in an array.
const DENSE: u64 = 4096;

pub struct DimensionCounts(pub Vec<Dimension>);

pub struct SegmentCounts {
    columns: Vec<DimensionColumn>,
    /// Values of one block of documents, reused from block to block.
    values: Vec<Option<u64>>,
}

struct DimensionColumn {
    dimension: Dimension,
    column: Column<u64>,
    tally: Tally,
}

struct Tally {
    dense: Vec<u64>,
    sparse: HashMap<u64, u64>,
}

impl Tally {
    #[inline]
    fn add(&mut self, value: u64) {
        match self.dense.get_mut(value as usize) {
            Some(n) => *n += 1,
            None => *self.sparse.entry(value).or_default() += 1,
        }
    }
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
            .map(|d| {
                let column = segment.fast_fields().u64(d.field())?;
                let size = column.max_value().saturating_add(1).min(DENSE) as usize;
                Ok(DimensionColumn {
                    dimension: *d,
                    column,
                    tally: Tally {
                        dense: vec![0; size],
                        sparse: HashMap::new(),
                    },
                })
            })
            .collect::<tantivy::Result<_>>()?;
        Ok(SegmentCounts {
            columns,
            values: Vec::new(),
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
        for c in &mut self.columns {
            if c.dimension == Dimension::Municipality {
                for v in c.column.values_for_doc(doc) {
                    c.tally.add(v);
                }
            } else if let Some(v) = c.column.first(doc) {
                c.tally.add(v);
            }
        }
    }

    /// A block of documents at a time (what tantivy hands over when nothing is scored): the
    /// single-valued columns read their values for the whole block in one batched call.
    fn collect_block(&mut self, docs: &[DocId]) {
        let values = &mut self.values;
        for c in &mut self.columns {
            if c.dimension == Dimension::Municipality {
                for doc in docs {
                    for v in c.column.values_for_doc(*doc) {
                        c.tally.add(v);
                    }
                }
            } else {
                values.clear();
                values.resize(docs.len(), None);
                c.column.first_vals(docs, values);
                for v in values.iter().flatten() {
                    c.tally.add(*v);
                }
            }
        }
    }

    fn harvest(self) -> Counts {
        self.columns
            .into_iter()
            .map(|c| {
                let Tally { dense, mut sparse } = c.tally;
                for (v, n) in dense.into_iter().enumerate() {
                    if n > 0 {
                        *sparse.entry(v as u64).or_default() += n;
                    }
                }
                (c.dimension, sparse)
            })
            .collect()
    }
}
