//! The planning rule, as pure functions over the answers.
//!
//! **Shared place** (Ausbildung im Verbund), per occupation and year: when two or more members
//! want to start someone, and at least one of them cannot host every station *or* each of
//! them needs less than one place, propose one shared place. It is led by a member that
//! offered to lead — else by any of them — choosing the one with the most stations (hosting
//! every station counts as most), then the one needing most, then the lowest id (so ties
//! always end the same way). The others are partners, each with its stations as the note.
//!
//! **Joint course**, per course type: the demand of every member adds up to the seats, and
//! each member's demand is its quota.

use std::cmp::Reverse;

use crate::postings::validation::NOTE_MAX;

/// What one member answered for one occupation and year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlaceNeed {
    pub municipality_id: i64,
    /// Starts wanted, in half places.
    pub halves: i32,
    pub hosts_all: bool,
    pub stations: Vec<String>,
    pub offers_lead: bool,
}

/// A proposed shared place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharedPlace {
    pub lead: i64,
    /// Partners in id order, with their stations as a note.
    pub partners: Vec<(i64, Option<String>)>,
    /// What they need together, in half places.
    pub total_halves: i32,
}

/// The shared place the rule proposes for these needs, if any.
pub fn shared_place(needs: &[PlaceNeed]) -> Option<SharedPlace> {
    let needing: Vec<&PlaceNeed> = needs.iter().filter(|n| n.halves > 0).collect();
    if needing.len() < 2 {
        return None;
    }
    let someone_cannot_host_all = needing.iter().any(|n| !n.hosts_all);
    let each_less_than_one = needing.iter().all(|n| n.halves < 2);
    if !(someone_cannot_host_all || each_less_than_one) {
        return None;
    }
    let volunteers: Vec<&PlaceNeed> = needing.iter().copied().filter(|n| n.offers_lead).collect();
    let candidates = if volunteers.is_empty() {
        &needing
    } else {
        &volunteers
    };
    let lead = candidates
        .iter()
        .max_by_key(|n| (station_score(n), n.halves, Reverse(n.municipality_id)))?
        .municipality_id;
    let mut partners: Vec<(i64, Option<String>)> = needing
        .iter()
        .filter(|n| n.municipality_id != lead)
        .map(|n| (n.municipality_id, station_note(n)))
        .collect();
    partners.sort_by_key(|p| p.0);
    Some(SharedPlace {
        lead,
        partners,
        total_halves: needing.iter().map(|n| n.halves).sum(),
    })
}

fn station_score(n: &PlaceNeed) -> usize {
    if n.hosts_all {
        usize::MAX
    } else {
        n.stations.len()
    }
}

/// „Stationen: Bürgerbüro, Kämmerei“, „alle Stationen“, or nothing when it names none; at
/// most a partner note's [`NOTE_MAX`] characters (a long list ends in „…“).
pub fn station_note(n: &PlaceNeed) -> Option<String> {
    if n.hosts_all {
        Some("alle Stationen".to_owned())
    } else if n.stations.is_empty() {
        None
    } else {
        let note = format!("Stationen: {}", n.stations.join(", "));
        if note.chars().count() <= NOTE_MAX {
            return Some(note);
        }
        let mut short: String = note.chars().take(NOTE_MAX - 1).collect();
        short.push('…');
        Some(short)
    }
}

/// A proposed joint course.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JointCourse {
    pub seats: i32,
    /// `(member, quota)` of every member with demand, in id order.
    pub quotas: Vec<(i64, i32)>,
}

/// The joint course for `(member, staff)` demands, if anyone needs it.
pub fn joint_course(demand: &[(i64, i32)]) -> Option<JointCourse> {
    let mut quotas: Vec<(i64, i32)> = demand.iter().copied().filter(|d| d.1 > 0).collect();
    if quotas.is_empty() {
        return None;
    }
    quotas.sort_by_key(|q| q.0);
    Some(JointCourse {
        seats: quotas.iter().map(|q| q.1).sum(),
        quotas,
    })
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn a_long_station_list_is_cut_to_a_partner_note_at_a_character_boundary() {
        // 500 characters of stations (the answer's limit), with umlauts at the cut.
        let stations: Vec<String> = (0..100).map(|_| "Bäöü".to_owned()).collect();
        let n = PlaceNeed {
            municipality_id: 1,
            halves: 1,
            hosts_all: false,
            stations,
            offers_lead: false,
        };
        let note = station_note(&n).unwrap();
        assert_eq!(note.chars().count(), NOTE_MAX);
        assert!(
            note.starts_with("Stationen: Bäöü, ") && note.ends_with('…'),
            "{note}"
        );
        let short = PlaceNeed {
            stations: vec!["Bauhof".into()],
            ..n
        };
        assert_eq!(station_note(&short).unwrap(), "Stationen: Bauhof");
    }

    fn need(id: i64, halves: i32, hosts_all: bool, stations: &[&str], lead: bool) -> PlaceNeed {
        PlaceNeed {
            municipality_id: id,
            halves,
            hosts_all,
            stations: stations.iter().map(|s| (*s).to_owned()).collect(),
            offers_lead: lead,
        }
    }

    #[test]
    fn one_member_alone_gets_no_shared_place_however_small_its_need() {
        assert_eq!(
            shared_place(&[need(1, 1, false, &["Bürgerbüro"], true)]),
            None
        );
        // The others answered, but want nobody.
        assert_eq!(
            shared_place(&[
                need(1, 2, false, &[], false),
                need(2, 0, false, &[], true),
                need(3, 0, true, &[], false)
            ]),
            None
        );
        assert_eq!(shared_place(&[]), None);
    }

    #[test]
    fn members_that_each_host_everything_and_need_a_whole_place_train_alone() {
        assert_eq!(
            shared_place(&[need(1, 2, true, &[], true), need(2, 4, true, &[], false)]),
            None
        );
    }

    #[test]
    fn members_that_host_everything_but_each_need_half_a_place_share_one() {
        let p =
            shared_place(&[need(1, 1, true, &[], false), need(2, 1, true, &[], false)]).unwrap();
        assert_eq!(p.lead, 1, "equal in everything: the lowest id leads");
        assert_eq!(p.partners, [(2, Some("alle Stationen".to_owned()))]);
        assert_eq!(p.total_halves, 2);
    }

    #[test]
    fn the_member_that_offered_to_lead_leads_even_with_fewer_stations() {
        let p = shared_place(&[
            need(1, 2, true, &[], false),
            need(2, 2, false, &["Bürgerbüro"], true),
            need(3, 1, false, &["Kämmerei", "Bauamt"], false),
        ])
        .unwrap();
        assert_eq!(p.lead, 2);
        assert_eq!(
            p.partners,
            [
                (1, Some("alle Stationen".to_owned())),
                (3, Some("Stationen: Kämmerei, Bauamt".to_owned()))
            ]
        );
        assert_eq!(p.total_halves, 5);
    }

    #[test]
    fn without_a_volunteer_the_member_with_most_stations_leads() {
        let p = shared_place(&[
            need(4, 2, false, &["Bürgerbüro"], false),
            need(5, 2, false, &["Kämmerei", "Bauamt", "Ordnungsamt"], false),
            need(6, 2, false, &[], false),
        ])
        .unwrap();
        assert_eq!(p.lead, 5);
        assert_eq!(
            p.partners,
            [(4, Some("Stationen: Bürgerbüro".to_owned())), (6, None)]
        );
    }

    #[test]
    fn ties_go_to_more_need_then_to_the_lowest_id() {
        // Two volunteers with two stations each: the one needing more leads.
        let p = shared_place(&[
            need(7, 1, false, &["A", "B"], true),
            need(3, 3, false, &["C", "D"], true),
            need(1, 2, false, &["E", "F", "G"], false),
        ])
        .unwrap();
        assert_eq!(p.lead, 3);
        // Same stations and need: the lower id, whatever the order of the answers.
        let a = [
            need(9, 2, false, &["A"], true),
            need(2, 2, false, &["B"], true),
        ];
        let mut b = a.clone();
        b.reverse();
        assert_eq!(shared_place(&a).unwrap().lead, 2);
        assert_eq!(shared_place(&b).unwrap().lead, 2);
    }

    #[test]
    fn a_joint_course_has_the_total_as_seats_and_each_demand_as_quota() {
        let c = joint_course(&[(3, 4), (1, 2), (2, 0)]).unwrap();
        assert_eq!(c.seats, 6);
        assert_eq!(c.quotas, [(1, 2), (3, 4)]);
        assert_eq!(joint_course(&[(1, 0)]), None);
    }
}
