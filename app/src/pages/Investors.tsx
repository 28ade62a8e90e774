import { NotDeployed } from "../components";

export function InvestorsPage() {
  return <NotDeployed what="The asset registry" />;
}
