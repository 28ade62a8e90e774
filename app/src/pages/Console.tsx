import { NotDeployed } from "../components";

export function ConsolePage() {
  return <NotDeployed what="The supply chain" />;
}
