import { NotDeployed } from "../components";

export function VerifySearch() {
  return <NotDeployed what="The supply chain" />;
}

export function VerifyPage(_props: { path: string }) {
  return <NotDeployed what="The supply chain" />;
}
