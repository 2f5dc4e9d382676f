//! The words of the demo postings: tasks, profiles, benefits, names.

pub(super) const ADMIN_TASKS: &[&str] = &[
    "Bearbeitung von Anträgen und Anfragen der Bürgerinnen und Bürger",
    "Führung von Akten und Registern, auch elektronisch",
    "Erstellung von Bescheiden und Stellungnahmen",
    "Zusammenarbeit mit den Fachämtern der Partheland-Kommunen",
    "Vorbereitung von Vorlagen für den Gemeinderat",
];
pub(super) const ADMIN_PROFILE: &[&str] = &[
    "abgeschlossene Ausbildung als Verwaltungsfachangestellte/r oder Angestelltenlehrgang I",
    "sicherer Umgang mit MS Office und Fachverfahren",
    "Freude am Umgang mit Menschen und ein freundliches Auftreten",
    "selbstständige, sorgfältige Arbeitsweise",
];
pub(super) const BAUHOF_TASKS: &[&str] = &[
    "Pflege von Grünanlagen, Spielplätzen und Friedhöfen",
    "Winterdienst und Straßenunterhaltung",
    "kleinere Reparaturen an gemeindlichen Gebäuden",
    "Bedienung von Kommunaltechnik und Kleingeräten",
    "Unterstützung bei Veranstaltungen der Gemeinde",
];
pub(super) const BAUHOF_PROFILE: &[&str] = &[
    "abgeschlossene handwerkliche Berufsausbildung",
    "Führerschein Klasse B, wünschenswert C1E",
    "Bereitschaft zur Teilnahme am Winterdienst",
    "körperliche Belastbarkeit und Teamgeist",
];
pub(super) const KITA_TASKS: &[&str] = &[
    "Bildung, Erziehung und Betreuung nach dem Sächsischen Bildungsplan",
    "Beobachtung und Dokumentation der Entwicklung der Kinder",
    "vertrauensvolle Zusammenarbeit mit den Eltern",
    "Gestaltung des Tagesablaufs im Team",
    "Mitwirkung an der Weiterentwicklung der Konzeption",
];
pub(super) const KITA_PROFILE: &[&str] = &[
    "staatliche Anerkennung als Erzieher/in oder vergleichbare Qualifikation nach SächsQualiVO",
    "Einfühlungsvermögen, Geduld und Kreativität",
    "Teamfähigkeit und Zuverlässigkeit",
    "erweitertes Führungszeugnis",
];
pub(super) const ORDNUNG_TASKS: &[&str] = &[
    "Überwachung des ruhenden Verkehrs",
    "Bearbeitung von Ordnungswidrigkeiten",
    "Genehmigung von Veranstaltungen und Sondernutzungen",
    "Zusammenarbeit mit Polizei und Feuerwehr",
];
pub(super) const ORDNUNG_PROFILE: &[&str] = &[
    "Ausbildung im öffentlichen Dienst oder vergleichbar",
    "sicheres, bürgerfreundliches Auftreten",
    "Bereitschaft zu Einsätzen am Wochenende",
    "Führerschein Klasse B",
];
pub(super) const IT_TASKS: &[&str] = &[
    "Betrieb und Weiterentwicklung der IT-Infrastruktur der Verwaltung",
    "Betreuung der Arbeitsplätze, Server und Fachverfahren",
    "Umsetzung des Onlinezugangsgesetzes gemeinsam mit den Partnerkommunen",
    "Informationssicherheit und Datenschutz im IT-Betrieb",
];
pub(super) const IT_PROFILE: &[&str] = &[
    "Studium oder Ausbildung im Bereich Informatik",
    "Erfahrung mit Windows-Server, Netzwerken und Virtualisierung",
    "strukturierte Arbeitsweise und Serviceorientierung",
];
pub(super) const KULTUR_TASKS: &[&str] = &[
    "Ausleihe, Rückgabe und Beratung der Leserinnen und Leser",
    "Katalogisierung und Pflege des Medienbestands",
    "Veranstaltungen zur Leseförderung für Kitas und Schulen",
];
pub(super) const KULTUR_PROFILE: &[&str] = &[
    "Ausbildung als Fachangestellte/r für Medien- und Informationsdienste",
    "Freude an Büchern, Medien und Menschen",
    "Organisationstalent",
];
pub(super) const SOZIAL_TASKS: &[&str] = &[
    "Beratung und Begleitung von Kindern, Jugendlichen und Familien",
    "Projektarbeit und offene Angebote",
    "Netzwerkarbeit mit Schulen, Vereinen und dem Landkreis Leipzig",
];
pub(super) const SOZIAL_PROFILE: &[&str] = &[
    "abgeschlossenes Studium der Sozialen Arbeit (B.A.) mit staatlicher Anerkennung",
    "Kommunikationsstärke und Empathie",
    "Führerschein Klasse B",
];
pub(super) const TRAINEE_TASKS: &[&str] = &[
    "Kennenlernen aller Bereiche der Verwaltung in den Partnerkommunen",
    "Berufsschule in Leipzig im Blockunterricht",
    "eigene Projekte im Ausbildungsjahrgang des Partheland-Verbunds",
];
pub(super) const TRAINEE_PROFILE: &[&str] = &[
    "guter Realschulabschluss oder Abitur",
    "Interesse an Recht, Verwaltung und Technik",
    "Zuverlässigkeit und Lernbereitschaft",
];
pub(super) const VOLUNTEER_TASKS: &[&str] = &[
    "Unterstützung des Teams im Alltag",
    "eigene kleine Projekte nach Absprache",
    "Begleitung durch feste Ansprechpartner und Seminartage",
];
pub(super) const VOLUNTEER_PROFILE: &[&str] = &[
    "Interesse an der Arbeit mit Menschen",
    "Zuverlässigkeit",
    "Mindestalter 16 Jahre",
];

pub(super) const KITAS: &[&str] = &[
    "Sonnenschein",
    "Pusteblume",
    "Regenbogen",
    "Spatzennest",
    "Waldwichtel",
    "Parthezwerge",
    "Löwenzahn",
];
pub(super) const FIRST_NAMES: &[&str] = &[
    "Anja", "Katrin", "Sandra", "Thomas", "Michael", "Sabine", "Jens", "Ulrike", "Steffen",
    "Claudia", "Andreas", "Juliane",
];
pub(super) const LAST_NAMES: &[&str] = &[
    "Müller", "Schmidt", "Richter", "Wolf", "Krause", "Lehmann", "Köhler", "Hoffmann", "Neumann",
    "Vogel", "Seidel", "Günther",
];
pub(super) const STATIONS: &[&str] = &[
    "Bürgerbüro",
    "Standesamt",
    "Kämmerei",
    "Bauamt",
    "Ordnungsamt",
    "Bauhof",
    "Personalamt",
    "Kita-Verwaltung",
    "IT-Service",
];
pub(super) const BENEFITS: &[&str] = &[
    "Bezahlung nach Tarif mit Jahressonderzahlung und Leistungsentgelt",
    "30 Tage Urlaub sowie arbeitsfrei am 24. und 31. Dezember",
    "betriebliche Altersvorsorge (ZVK Sachsen)",
    "flexible Arbeitszeiten und die Möglichkeit zum mobilen Arbeiten",
    "Zuschuss zum Deutschlandticket als Jobticket",
    "Fort- und Weiterbildung im Verbund der Partheland-Kommunen",
    "betriebliches Gesundheitsmanagement und Fahrradleasing",
    "ein kollegiales Team in einer familienfreundlichen Gemeinde",
];
