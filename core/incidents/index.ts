export {
  type DurationFigures,
  type HouseholdStage,
  type IncidentFigures,
  type IncidentHouseholdRow,
  incidentFigures,
  type StageCounts,
  type TownshipFigures,
} from "./figures.ts";
export {
  checkDeclaration,
  checkEndDate,
  INCIDENT_DAYS_MAX,
  INCIDENT_TOWNSHIPS_MAX,
  type Incident,
  type IncidentDeclaration,
  type IncidentStatus,
  registrationOpen,
} from "./incident.ts";
